package io.codedelivery.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The deliveries subscribers can watch: which are running, which finished (and at which seq), and how many
 * subscribers each has, so every new subscriber goes to the least-watched running one.
 */
final class Watchlist {
  /** A delivery as the benchmark knows it. */
  static final class Delivery {
    final String id;
    final String routeId;
    /** Points of its route; -1 where only its start was heard of. */
    final int points;
    final long startedAtNanos = System.nanoTime();
    /** Highest seq the bridge published; written by the bridge's event loop. */
    volatile long maxBridgedSeq = -1;
    volatile long finishedSeq = -1;
    volatile long finishedAtMs;
    /** Subscribers watching it; changed only under the watchlist's lock, while it is out of the ordered set. */
    private int subscribers;

    Delivery(String id, String routeId, int points) {
      this.id = id;
      this.routeId = routeId;
      this.points = points;
    }

    boolean finished() {
      return finishedSeq >= 0;
    }
  }

  /** Every delivery heard of, for lookups from any thread without the lock. */
  private final Map<String, Delivery> all = new ConcurrentHashMap<>();
  /** In the order they finished; under this watchlist's lock, like {@link #byWatchers}. */
  private final List<Delivery> finished = new ArrayList<>();
  /**
   * The running deliveries, least watched first (the newest among equals, so a subscriber stays long). Ordered
   * so that the thousands of subscribers whose deliveries finish together each find a new one in log time: a
   * scan of every running delivery under this lock stalled the subscribers' event loops in those waves.
   */
  private final TreeSet<Delivery> byWatchers = new TreeSet<>(Comparator.<Delivery>comparingInt(d -> d.subscribers)
      .thenComparing(d -> d.startedAtNanos, Comparator.reverseOrder())
      .thenComparing(d -> d.id));

  /** Adds a delivery that started; one heard of again is kept as first known. */
  synchronized void started(Delivery d) {
    if (all.putIfAbsent(d.id, d) == null) {
      byWatchers.add(d);
    }
  }

  /** Marks a delivery finished at seq; null if it is unknown or was already finished. */
  synchronized Delivery finished(String deliveryId, long seq) {
    Delivery d = all.get(deliveryId);
    if (d == null || d.finished()) {
      return null;
    }
    byWatchers.remove(d);
    d.finishedSeq = seq;
    d.finishedAtMs = System.currentTimeMillis();
    finished.add(d);
    return d;
  }

  Delivery get(String id) {
    return id == null ? null : all.get(id);
  }

  synchronized int activeCount() {
    return byWatchers.size();
  }

  synchronized int finishedCount() {
    return finished.size();
  }

  /** The finished deliveries in the order they finished. */
  synchronized List<Delivery> finishedSnapshot() {
    return new ArrayList<>(finished);
  }

  synchronized List<Delivery> activeSnapshot() {
    return new ArrayList<>(byWatchers);
  }

  /**
   * Moves one subscriber from {@code previous} (may be null) to the running delivery with the fewest subscribers,
   * other than {@code previous}; null when none is running.
   */
  synchronized Delivery assign(String previous) {
    Delivery old = get(previous);
    if (old != null) {
      changeSubscribers(old, -1);
    }
    Delivery best = null;
    for (Delivery d : byWatchers) {
      if (d != old) {
        best = d;
        break;
      }
    }
    if (best != null) {
      changeSubscribers(best, +1);
    }
    return best;
  }

  /** Re-files a running delivery under its new count (a finished one is no longer filed). */
  private void changeSubscribers(Delivery d, int change) {
    boolean filed = byWatchers.remove(d);
    d.subscribers += change;
    if (filed) {
      byWatchers.add(d);
    }
  }
}
