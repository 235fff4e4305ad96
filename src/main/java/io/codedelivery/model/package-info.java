/**
 * The messages Code Delivery passes around — records with one JSON mapping each — and the names they travel
 * under: Kafka topics ({@link io.codedelivery.model.Topics}) and event-bus addresses
 * ({@link io.codedelivery.model.Addresses}), with the codec that lets the event bus share a read-only body
 * among its consumers ({@link io.codedelivery.model.ReadOnlyJsonCodec}).
 */
package io.codedelivery.model;
