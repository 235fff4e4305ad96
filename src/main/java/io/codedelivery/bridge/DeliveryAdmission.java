package io.codedelivery.bridge;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The deliveries this process admitted and has not yet seen finish: the exact bound behind
 * {@code deliveries.max.active}. A place is taken when a start is admitted, before its direction is produced, so a
 * burst of starts cannot overshoot while their first positions are still on the way; positions of deliveries that
 * another process (or no one) started take no place. Shared by the process's bridge instances, on several event
 * loops, hence the atomic count.
 */
public final class DeliveryAdmission {
  private final int maxActive;
  private final long forgetAfterMs;
  private final LongSupplier clock;
  /** Admitted delivery id → when it was admitted or last showed a position. */
  private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
  private final AtomicInteger admitted = new AtomicInteger();

  /**
   * @param forgetAfterMs how long an admitted delivery may show no position before its place is given back; a
   *     direction that is never driven (it was dead-lettered, or no simulation runs) must not hold a place forever
   */
  public DeliveryAdmission(int maxActive, long forgetAfterMs, LongSupplier clock) {
    this.maxActive = maxActive;
    this.forgetAfterMs = forgetAfterMs;
    this.clock = clock;
  }

  /** Takes a place for the delivery, or returns false when every place is taken. */
  public boolean tryAdmit(String deliveryId) {
    if (!reservePlace() && (forgetIdle() == 0 || !reservePlace())) {
      return false;
    }
    lastSeen.put(deliveryId, clock.getAsLong());
    return true;
  }

  private boolean reservePlace() {
    int current;
    do {
      current = admitted.get();
      if (current >= maxActive) {
        return false;
      }
    } while (!admitted.compareAndSet(current, current + 1));
    return true;
  }

  /** A position of the delivery was seen: it is still running. */
  public void seen(String deliveryId) {
    lastSeen.computeIfPresent(deliveryId, (id, last) -> clock.getAsLong());
  }

  /** The delivery finished, or its start could not be queued: its place is free. */
  public void release(String deliveryId) {
    if (lastSeen.remove(deliveryId) != null) {
      admitted.decrementAndGet();
    }
  }

  public int admitted() {
    return admitted.get();
  }

  /** Gives back the places of deliveries that showed no position for too long; returns how many. */
  private int forgetIdle() {
    long oldest = clock.getAsLong() - forgetAfterMs;
    int forgotten = 0;
    for (Map.Entry<String, Long> entry : lastSeen.entrySet()) {
      if (entry.getValue() < oldest && lastSeen.remove(entry.getKey(), entry.getValue())) {
        admitted.decrementAndGet();
        forgotten++;
      }
    }
    return forgotten;
  }
}
