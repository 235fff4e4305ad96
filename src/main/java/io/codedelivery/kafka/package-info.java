/**
 * Kafka plumbing and the bridge between Kafka and the event bus: client settings (idempotent, acks=all
 * producers; manually committed consumers), topic creation, dead-lettering, commit tracking, and the
 * {@link io.codedelivery.kafka.BridgeVerticle} that turns start requests into directions and positions into
 * per-delivery event-bus messages.
 */
package io.codedelivery.kafka;
