package io.codedelivery.simulation;

import io.codedelivery.model.Direction;
import io.codedelivery.model.Position;
import io.codedelivery.model.Route;
import io.vertx.kafka.client.common.TopicPartition;
import java.time.Instant;

/** One vehicle on its route: which point comes next, and whether its last position is still being sent. */
final class Driver {
  private final Direction direction;
  private final Route route;
  private final TopicPartition source;
  private final long sourceOffset;
  private final int slot;
  private int nextSeq;
  private boolean ready;
  private boolean sending;

  Driver(Direction direction, Route route, TopicPartition source, long sourceOffset, int slot) {
    this.slot = slot;
    this.direction = direction;
    this.route = route;
    this.source = source;
    this.sourceOffset = sourceOffset;
  }

  /** The position at the next point; the driver only moves on once that position is acknowledged. */
  Position nextPosition(Instant now) {
    boolean last = nextSeq == route.points().size() - 1;
    return new Position(direction.deliveryId(), route.id(), direction.clientId(), nextSeq,
        route.points().get(nextSeq), last, now);
  }

  void acknowledged() {
    nextSeq++;
  }

  /** Goes on after a position already stored, once the delivery is known to have been under way. */
  void resumeAfter(long storedSeq) {
    nextSeq = (int) Math.min(storedSeq + 1, route.points().size() - 1);
  }

  /** Its starting point is known; it may drive. */
  void ready() {
    ready = true;
  }

  boolean canSend() {
    return ready && !sending;
  }

  void sending(boolean sending) {
    this.sending = sending;
  }

  /** Which part of the interval this vehicle moves in. */
  int slot() {
    return slot;
  }

  String deliveryId() {
    return direction.deliveryId();
  }

  TopicPartition source() {
    return source;
  }

  long sourceOffset() {
    return sourceOffset;
  }
}
