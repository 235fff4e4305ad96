/**
 * Embedded infrastructure for the default, nothing-installed mode: a single-node KRaft Kafka broker and a
 * MongoDB-wire store, both in-process with their data under the configured data directory.
 */
package io.codedelivery.infra;
