package io.codedelivery.kafka;

import io.vertx.core.Future;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which offsets may be committed when records finish out of order: per partition, everything below the oldest
 * record still in progress. A crash therefore redelivers unfinished work, never skips it.
 */
public final class CommitTracker {
  private static final Logger LOG = LoggerFactory.getLogger(CommitTracker.class);
  /**
   * How often its users commit what is done. Once a second rather than per record: a wave of finished deliveries
   * is one commit request, not ninety a second held up behind the positions on the broker.
   */
  public static final long COMMIT_INTERVAL_MS = 1_000;
  private static final long LAST_COMMIT_TIMEOUT_S = 5;

  private final Map<TopicPartition, TreeSet<Long>> inProgress = new HashMap<>();
  private final Map<TopicPartition, Long> nextToRead = new HashMap<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private Future<Void> inFlight = Future.succeededFuture();
  private boolean closing;

  public void begin(TopicPartition partition, long offset) {
    inProgress.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
    nextToRead.merge(partition, offset + 1, Math::max);
  }

  /** A record begun and done at once, as a consumer whose work on it is over when its handler returns marks it. */
  public void handled(TopicPartition partition, long offset) {
    nextToRead.merge(partition, offset + 1, Math::max);
  }

  public void done(TopicPartition partition, long offset) {
    TreeSet<Long> offsets = inProgress.get(partition);
    if (offsets != null) {
      offsets.remove(offset);
    }
  }

  /**
   * Commits what is done past the last successful commit, if anything; a failed commit is offered again next
   * time. Fails as the commit does: callers say how loudly. While one commit is in flight the next is skipped:
   * with the broker away each waits up to a minute, and the consumer's worker would queue one a second.
   */
  public Future<Void> commitDone(KafkaConsumer<?, ?> consumer) {
    if (closing || !inFlight.isComplete()) {
      return Future.succeededFuture();
    }
    return commit(consumer);
  }

  /**
   * The last commit, once any in flight is over; commits asked for after this are skipped. The Vert.x consumer
   * makes its Kafka calls on a worker thread that closing ends, and a call made after that (by the commit timer,
   * or by the partitions-revoked handler as the consumer leaves its group) starts a second worker beside the
   * closing one: Kafka refuses it ("not safe for multi-threaded access"), and the close's wake-up fails a commit
   * in flight.
   */
  Future<Void> lastCommit(KafkaConsumer<?, ?> consumer) {
    closing = true;
    // With the broker away a commit waits a minute; a stopping process has not that long.
    return inFlight.transform(previous -> commit(consumer)).timeout(LAST_COMMIT_TIMEOUT_S, TimeUnit.SECONDS);
  }

  /**
   * How a consumer whose offsets this tracks is stopped: the {@linkplain #lastCommit last commit}, then the close.
   * A last commit that fails is logged and the close goes ahead: the partitions' next owner reads again from the
   * commit before, which the idempotent work absorbs.
   */
  public Future<Void> closeAfterLastCommit(KafkaConsumer<?, ?> consumer) {
    return lastCommit(consumer)
        .onFailure(e -> LOG.warn("Last commit before closing failed; the partitions' next owner reads again from the one before: {}", e.getMessage()))
        .transform(committed -> consumer.close());
  }

  private Future<Void> commit(KafkaConsumer<?, ?> consumer) {
    Map<TopicPartition, OffsetAndMetadata> ready = advance();
    if (ready.isEmpty()) {
      return Future.succeededFuture();
    }
    inFlight = consumer.commit(ready).onSuccess(done -> committed(ready)).mapEmpty();
    return inFlight;
  }

  /**
   * The offsets that moved past the last successful commit; empty if none. {@link #committed(Map)} records a
   * successful commit of them.
   */
  Map<TopicPartition, OffsetAndMetadata> advance() {
    Map<TopicPartition, OffsetAndMetadata> ready = new HashMap<>();
    nextToRead.forEach((partition, next) -> {
      TreeSet<Long> offsets = inProgress.get(partition);
      long safe = offsets == null || offsets.isEmpty() ? next : offsets.first();
      if (safe > committed.getOrDefault(partition, -1L)) {
        ready.put(partition, new OffsetAndMetadata(safe, ""));
      }
    });
    return ready;
  }

  void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach((partition, offset) -> {
      if (nextToRead.containsKey(partition)) {
        committed.merge(partition, offset.getOffset(), Math::max);
      }
    });
  }

  /** Partitions taken away by a rebalance: their new owner starts from the last commit. */
  public void forget(Iterable<TopicPartition> partitions) {
    partitions.forEach(p -> {
      inProgress.remove(p);
      nextToRead.remove(p);
      committed.remove(p);
    });
  }
}
