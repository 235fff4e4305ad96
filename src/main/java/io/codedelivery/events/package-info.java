/**
 * Delivery events: what happened to a delivery (started, arriving, delivered, cancelled, late and back on time,
 * stalled and resumed, off and back on its planned route), computed from its positions on {@code route.new-position}
 * by pure rules ({@link io.codedelivery.events.EventRules}) over a state per delivery, produced on
 * {@code delivery.events} keyed by the delivery and recorded in its timeline. The state is saved in MongoDB before
 * the offsets are committed, and every event's id is made of the delivery, the type and the seq of the position that
 * raised it, so a restart or a rebalance recomputes the same events under the same ids.
 */
package io.codedelivery.events;
