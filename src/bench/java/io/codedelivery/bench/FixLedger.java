package io.codedelivery.bench;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The devices mode's account of the watched deliveries' fixes: which fix times the ingest port answered 200 and which
 * reached a subscriber. A device delivery's seq is its fix time, so the seqs of a stream are not contiguous and
 * loss is what was acknowledged and never seen, per fix time. Written from the generator's and the subscribers'
 * event loops.
 */
final class FixLedger {
  private final Map<String, Set<Long>> acknowledged = new ConcurrentHashMap<>();
  private final Map<String, Set<Long>> received = new ConcurrentHashMap<>();

  void acknowledged(String deliveryId, long fixTimeMs) {
    acknowledged.computeIfAbsent(deliveryId, id -> ConcurrentHashMap.newKeySet()).add(fixTimeMs);
  }

  /** Records a position seen by a subscriber; false when that fix was seen before (a duplicate). */
  boolean received(String deliveryId, long fixTimeMs) {
    return received.computeIfAbsent(deliveryId, id -> ConcurrentHashMap.newKeySet()).add(fixTimeMs);
  }

  /** Fix times in [fromMs, toMs) answered 200 and never seen by a subscriber. */
  long lost(long fromMs, long toMs) {
    return countMissing(acknowledged, received, fromMs, toMs);
  }

  /** Fix times in [fromMs, toMs) seen by a subscriber although never answered 200 (a timeout the broker took after all). */
  long seenUnacknowledged(long fromMs, long toMs) {
    return countMissing(received, acknowledged, fromMs, toMs);
  }

  /** Fix times in [fromMs, toMs) of {@code present} that {@code other} lacks. */
  private static long countMissing(Map<String, Set<Long>> present, Map<String, Set<Long>> other, long fromMs, long toMs) {
    long missing = 0;
    for (Map.Entry<String, Set<Long>> delivery : present.entrySet()) {
      Set<Long> there = other.getOrDefault(delivery.getKey(), Set.of());
      missing += delivery.getValue().stream().filter(t -> t >= fromMs && t < toMs && !there.contains(t)).count();
    }
    return missing;
  }
}
