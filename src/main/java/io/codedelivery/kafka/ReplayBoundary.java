package io.codedelivery.kafka;

import io.vertx.core.Future;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.client.common.TopicPartition;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of a consumer's records someone may have handled already: per partition, its end offset when it was assigned
 * here, raised by a rewind to what had been read. A record below it was on the topic then, so a previous owner (or this
 * consumer, before the rewind) may have handled it, and what came of it must be looked up; a record beyond it is new,
 * so the steady flow of new records costs no look-up. Only ever raised, so an answer about an earlier assignment
 * cannot lower it; a partition whose end could not be learned counts as read before throughout.
 */
public final class ReplayBoundary {
  private static final Logger LOG = LoggerFactory.getLogger(ReplayBoundary.class);

  private final KafkaAdminClient admin;
  private final String whenUnknown;
  private final Map<TopicPartition, Long> readBefore = new HashMap<>();
  private Future<Void> known = Future.succeededFuture();

  /** @param whenUnknown what it means for the consumer that a partition's end is unknown, for the warning logged then */
  public ReplayBoundary(KafkaAdminClient admin, String whenUnknown) {
    this.admin = admin;
    this.whenUnknown = whenUnknown;
  }

  /** Learns where these partitions, just assigned, end now; {@link #known()} completes once it is learned. */
  public void assigned(Set<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(partition -> latest.put(partition, OffsetSpec.LATEST));
    known = known.compose(v -> admin.listOffsets(latest)).<Void>map(ends -> {
      ends.forEach((partition, end) -> readBefore.merge(partition, end.getOffset(), Math::max));
      return null;
    }).recover(e -> {
      LOG.warn("End offsets of {} unknown ({}); {}", partitions, e.getMessage(), whenUnknown);
      partitions.forEach(partition -> readBefore.put(partition, Long.MAX_VALUE));
      return Future.succeededFuture();
    });
  }

  /** A rewind: what was read up to these offsets (the next offset to read, per partition) is read again. */
  public void rewound(Map<TopicPartition, Long> readUpTo) {
    readUpTo.forEach((partition, next) -> readBefore.merge(partition, next, Math::max));
  }

  /** Completes once the ends of the partitions assigned so far are known. */
  public Future<Void> known() {
    return known;
  }

  /** Whether the record at {@code offset} may have been handled before; decided once {@link #known()} completed. */
  public boolean mayHaveBeenHandled(TopicPartition partition, long offset) {
    return offset < readBefore.getOrDefault(partition, Long.MAX_VALUE);
  }
}
