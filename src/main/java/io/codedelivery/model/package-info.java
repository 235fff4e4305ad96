/**
 * The messages Code Delivery passes around — records with one JSON mapping each — and the names they travel
 * under: Kafka topics ({@link io.codedelivery.model.Topics}) and event-bus addresses
 * ({@link io.codedelivery.model.Addresses}), with the codec that lets the event bus share a read-only body
 * among its consumers ({@link io.codedelivery.model.ReadOnlyJsonCodec}), and positions passed on as the text they
 * came as ({@link io.codedelivery.model.EncodedJson}, checked by {@link io.codedelivery.model.Position#fromJson(String)}).
 */
package io.codedelivery.model;
