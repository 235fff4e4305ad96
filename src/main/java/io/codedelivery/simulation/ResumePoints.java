package io.codedelivery.simulation;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Where each delivery stopped, as far as the store knows: what a direction read again (after a crash or a
 * take-over) goes on from. The wiring connects it to the persistence role's read side, so the simulation needs
 * to know nothing of how deliveries are stored.
 */
@FunctionalInterface
public interface ResumePoints {
  /** Empty when nothing of the delivery is stored yet. */
  Future<Optional<ResumePoint>> of(String deliveryId);

  /** The highest seq stored for a delivery, and whether its last position is among them. */
  record ResumePoint(long lastSeq, boolean finished) {
  }
}
