package io.codedelivery.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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
    final AtomicInteger subscribers = new AtomicInteger();

    Delivery(String id, String routeId, int points) {
      this.id = id;
      this.routeId = routeId;
      this.points = points;
    }

    boolean finished() {
      return finishedSeq >= 0;
    }
  }

  private final Map<String, Delivery> all = new ConcurrentHashMap<>();
  private final Map<String, Delivery> active = new ConcurrentHashMap<>();
  private final List<Delivery> finished = java.util.Collections.synchronizedList(new ArrayList<>());

  void started(Delivery d) {
    all.put(d.id, d);
    active.put(d.id, d);
  }

  /** Marks a delivery finished at seq; null if it is unknown or was already finished. */
  Delivery finished(String deliveryId, long seq) {
    Delivery d = all.get(deliveryId);
    if (d == null || d.finished()) {
      return null;
    }
    d.finishedSeq = seq;
    d.finishedAtMs = System.currentTimeMillis();
    active.remove(deliveryId);
    finished.add(d);
    return d;
  }

  Delivery get(String id) {
    return id == null ? null : all.get(id);
  }

  int activeCount() {
    return active.size();
  }

  int finishedCount() {
    return finished.size();
  }

  /** The finished deliveries in the order they finished. */
  List<Delivery> finishedSnapshot() {
    synchronized (finished) {
      return new ArrayList<>(finished);
    }
  }

  List<Delivery> activeSnapshot() {
    return new ArrayList<>(active.values());
  }

  /**
   * The active delivery with the fewest subscribers (the newest among equals, so a subscriber stays long), or null
   * when none is running. The subscriber count is taken at once, so simultaneous callers spread out.
   */
  synchronized Delivery assign(String previous) {
    Delivery best = null;
    for (Delivery d : active.values()) {
      if (d.id.equals(previous) || d.finished()) {
        continue;
      }
      if (best == null || d.subscribers.get() < best.subscribers.get()
          || (d.subscribers.get() == best.subscribers.get() && d.startedAtNanos > best.startedAtNanos)) {
        best = d;
      }
    }
    if (best != null) {
      best.subscribers.incrementAndGet();
    }
    Delivery old = get(previous);
    if (old != null) {
      old.subscribers.decrementAndGet();
    }
    return best;
  }
}
