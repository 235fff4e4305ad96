package io.codedelivery.simulation;

import io.codedelivery.model.Direction;
import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.Route;
import io.vertx.kafka.client.common.TopicPartition;
import java.time.Instant;

/**
 * One vehicle on its route: which point comes next, and whether its last position is still being sent.
 *
 * <p>A position's seq is the index of its route point (its fix carries it, {@link DeviceFix.Simulated}), and a vehicle
 * that falls behind its {@link Timetable} (turns skipped while the process could not keep up) goes on from its next
 * point, one point per turn: it does not jump ahead to the point its timetable had planned for now. Like a vehicle held
 * up in traffic, it reports where it is when its turn comes, replays nothing it missed, and arrives later than planned.
 * The other ways were worse, because the rest of the system reads a simulated position's seq as its point on the route:
 * the store derives a delivery's last position, progress and distance left from its highest seq
 * ({@code DeliveryQueries}) and a restart resumes after it ({@link ResumePoints}); browsers draw progress, distance
 * left and arrival from the latest seq and read the stored track again when the seqs they hold have a hole
 * ({@code deliveries.js}, {@code distance.js}, {@code track-state.js}); the benchmark counts a hole as a loss. Jumping
 * points with seq = point would leave holes that no stored track ever fills (every browser catching up in vain, losses
 * counted); jumping points with seqs renumbered consecutively would show wrong progress, distance and arrival, and end
 * deliveries short of their destination in the store. Going on from the next point keeps seqs consecutive, nothing lost
 * or duplicated, and the browsers quiet.
 */
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

  /** The vehicle's fix at the next point; the driver only moves on once that fix is acknowledged. */
  DeviceFix nextFix(Instant now) {
    boolean last = nextSeq == route.points().size() - 1;
    return DeviceFix.ofSimulatedVehicle(new DeviceFix.Simulated(direction.deliveryId(), route.id(), direction.clientId(),
        nextSeq, last), route.points().get(nextSeq), now);
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

  /** Driving (its starting point known), not waiting for its start to be looked up. */
  boolean driving() {
    return ready;
  }

  /** Driving, and its last position not acknowledged by Kafka yet. */
  boolean awaitingAcknowledgement() {
    return ready && sending;
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
