/**
 * Kafka ↔ event bus, the role named {@code bridge}: {@code deliveries.start} requests admitted (exactly up to
 * {@code deliveries.max.active} per process) and turned into directions, every position published to its
 * delivery's event-bus address with lifecycle updates, and every delivery event published for the operators
 * ({@code deliveries.events}) and for its delivery's customer page ({@code delivery-events.<id>}), for the browsers
 * on this process's event bus.
 */
package io.codedelivery.bridge;
