package io.codedelivery.bench;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The devices mode's account of the watched deliveries' fixes: which fix times the ingest port answered 200 and which
 * reached a subscriber. A device delivery's seq is its fix time, so the seqs of a stream are not contiguous and
 * loss is what was acknowledged and never seen, per fix time. Written from the generator's and the subscribers'
 * event loops. Answers that come after the load stopped (the server still draining a queue of requests) are kept
 * apart: the report counts those requests as unanswered at the end, and a fix answered a moment before the count
 * cannot have reached its subscriber yet, which would read as lost.
 */
final class FixLedger {
  private final Map<String, Set<Long>> acknowledged = new ConcurrentHashMap<>();
  private final Map<String, Set<Long>> received = new ConcurrentHashMap<>();
  private final Map<String, Set<Long>> answeredAfterStop = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  void acknowledged(String deliveryId, long fixTimeMs) {
    (stopped ? answeredAfterStop : acknowledged).computeIfAbsent(deliveryId, id -> ConcurrentHashMap.newKeySet()).add(fixTimeMs);
  }

  /** The load stopped: answers from now on are the drained queue's, counted neither as acknowledged nor as lost. */
  void loadStopped() {
    stopped = true;
  }

  /** Records a position seen by a subscriber; false when that fix was seen before (a duplicate). */
  boolean received(String deliveryId, long fixTimeMs) {
    return received.computeIfAbsent(deliveryId, id -> ConcurrentHashMap.newKeySet()).add(fixTimeMs);
  }

  /** Fix times in [fromMs, toMs) answered 200 and never seen by a subscriber. */
  long lost(long fromMs, long toMs) {
    return countMissing(acknowledged, fromMs, toMs, List.of(received));
  }

  /** Fix times in [fromMs, toMs) seen by a subscriber although never answered 200 (a timeout the broker took after all). */
  long seenUnacknowledged(long fromMs, long toMs) {
    return countMissing(received, fromMs, toMs, List.of(acknowledged, answeredAfterStop));
  }

  /** Fix times in [fromMs, toMs) of {@code present} that none of {@code others} has. */
  private static long countMissing(Map<String, Set<Long>> present, long fromMs, long toMs, List<Map<String, Set<Long>>> others) {
    long missing = 0;
    for (Map.Entry<String, Set<Long>> delivery : present.entrySet()) {
      List<Set<Long>> there = others.stream().map(other -> other.getOrDefault(delivery.getKey(), Set.of())).toList();
      missing += delivery.getValue().stream()
          .filter(t -> t >= fromMs && t < toMs && there.stream().noneMatch(seen -> seen.contains(t))).count();
    }
    return missing;
  }
}
