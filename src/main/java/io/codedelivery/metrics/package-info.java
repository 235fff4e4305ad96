/** The application's own meters, named once, for every role and for readers of the registry such as the benchmark. */
package io.codedelivery.metrics;
