/**
 * Start-up of Code Delivery: configuration ({@link io.codedelivery.AppConfig}), which roles this process runs
 * ({@link io.codedelivery.Role}), and the {@link io.codedelivery.Application} that wires infrastructure and verticles.
 */
package io.codedelivery;
