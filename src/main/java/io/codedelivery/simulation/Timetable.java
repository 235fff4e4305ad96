package io.codedelivery.simulation;

import java.util.function.Consumer;

/**
 * When each vehicle moves. The interval is cut into slots, vehicles are spread over them (so thousands of them do not
 * all send in the same millisecond), and a periodic timer fires once per slot: turn {@code k} is due {@code k} slots
 * after the timer was set, and moves the vehicles of slot {@code k % slots}.
 *
 * <p>A vehicle moves at most once per turn of its slot, however late the timer runs. Vert.x runs periodic timers at
 * a fixed rate: an event loop that was held up (overloaded, a long collection) runs the firings it owes back to
 * back. Serving a turn per firing regardless made every vehicle that fell behind replay the moves it had missed, as
 * fast as Kafka acknowledged them: 32,000–40,000 positions/s against a 20,000/s schedule, which deepened the overload
 * that had made it late. So a turn is served only while it is at most one interval old, one turn per firing (a
 * short hold-up delays moves but skips none, and never moves a vehicle twice in one turn of its slot); an older turn
 * is skipped, and its vehicles wait for their slot's next turn. A vehicle whose previous position Kafka has not
 * acknowledged yet skips its turn too (it moves on only from an acknowledged point). Either way the simulation
 * produces no more than its schedule, and falls below it while it cannot keep up. What a skipped turn means for the
 * vehicle's route and seqs: see {@link Driver}.
 */
final class Timetable {
  /**
   * Vehicles are spread over at most this many slots of the interval, so thousands of them do not all send in the
   * same millisecond (one burst per interval made the last positions of each burst wait).
   */
  private static final int MAX_SLOTS = 10;
  private static final long MIN_SLOT_MS = 10;

  private final int slots;
  private final long slotNanos;
  private final long originNanos;
  private final SkippedMoves skipped;
  /** The oldest turn neither served nor skipped yet. */
  private long nextTurn = 1;
  private int nextSlot;

  /**
   * @param originNanos when the timer was set ({@link System#nanoTime()}): its first firing is due one slot later
   */
  Timetable(long intervalMs, long originNanos, SkippedMoves skipped) {
    this.slots = slotsFor(intervalMs);
    this.slotNanos = intervalMs / slots * 1_000_000;
    this.originNanos = originNanos;
    this.skipped = skipped;
  }

  /** The most slots (up to ten, each at least 10 ms) that divide the interval exactly, so vehicles keep its pace. */
  static int slotsFor(long intervalMs) {
    for (int slots = MAX_SLOTS; slots > 1; slots--) {
      if (intervalMs % slots == 0 && intervalMs / slots >= MIN_SLOT_MS) {
        return slots;
      }
    }
    return 1;
  }

  /** How often the timer must fire: once per slot. */
  long slotMs() {
    return slotNanos / 1_000_000;
  }

  /** The slot of a new vehicle: round robin, so the slots carry as many vehicles each. */
  int assignSlot() {
    int slot = nextSlot;
    nextSlot = (nextSlot + 1) % slots;
    return slot;
  }

  /**
   * One firing of the timer at {@code nowNanos}: skips the turns more than an interval old (counting the moves of the
   * driving vehicles they held), then serves the oldest turn still due, handing each of its vehicles that may move
   * to {@code move}. A firing the timer owed for turns already skipped finds nothing due and does nothing.
   */
  void fire(long nowNanos, Iterable<Driver> drivers, Consumer<Driver> move) {
    long newestDue = Math.floorDiv(nowNanos - originNanos, slotNanos);
    if (newestDue < nextTurn) {
      return;
    }
    long oldestServed = newestDue - slots + 1;
    if (nextTurn < oldestServed) {
      skipTurns(nextTurn, oldestServed - nextTurn, drivers);
      nextTurn = oldestServed;
    }
    long turn = nextTurn++;
    skipped.served(nowNanos - (originNanos + turn * slotNanos));
    int slot = (int) (turn % slots);
    for (Driver driver : drivers) {
      if (driver.slot() == slot) {
        if (driver.canSend()) {
          move.accept(driver);
        } else if (driver.awaitingAcknowledgement()) {
          skipped.unacknowledged();
        }
      }
    }
  }

  private void skipTurns(long first, long count, Iterable<Driver> drivers) {
    long moves = 0;
    for (Driver driver : drivers) {
      if (driver.driving()) {
        moves += turnsOfSlot(first, count, driver.slot());
      }
    }
    skipped.late(moves);
  }

  /** How many of the {@code count} turns from {@code first} on belong to {@code slot}. */
  private long turnsOfSlot(long first, long count, int slot) {
    long offset = Math.floorMod(slot - first, slots);
    return count / slots + (offset < count % slots ? 1 : 0);
  }
}
