/**
 * The messages Code Delivery passes around — records with one JSON mapping each — and the names they travel
 * under: Kafka topics ({@link io.codedelivery.model.Topics}) and event-bus addresses
 * ({@link io.codedelivery.model.Addresses}).
 */
package io.codedelivery.model;
