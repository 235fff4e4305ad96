/**
 * Kafka ↔ event bus, the role named {@code bridge}: {@code deliveries.start} requests admitted (exactly up to
 * {@code deliveries.max.active} per process) and turned into directions, and every position published to its
 * delivery's event-bus address with lifecycle updates, for the browsers on this process's event bus.
 */
package io.codedelivery.bridge;
