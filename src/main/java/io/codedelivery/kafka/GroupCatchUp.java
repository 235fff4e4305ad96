package io.codedelivery.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Waits until a consumer group has committed everything a topic held when the wait began: then whatever that
 * group's work produces (a store, say) reflects every record written before that moment.
 */
public final class GroupCatchUp {
  private static final long POLL_INTERVAL_MS = 200;

  private final Vertx vertx;
  private final KafkaAdminClient admin;

  public GroupCatchUp(Vertx vertx, KafkaAdminClient admin) {
    this.vertx = vertx;
    this.admin = admin;
  }

  /** Completes once {@code group} has committed up to the current end of {@code topic}; fails after {@code timeoutMs}. */
  public Future<Void> await(String group, String topic, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    Promise<Void> caughtUp = Promise.promise();
    endOffsets(topic).onComplete(ends -> {
      if (ends.failed()) {
        caughtUp.fail(ends.cause());
      } else {
        poll(group, ends.result(), deadline, caughtUp);
      }
    });
    return caughtUp.future();
  }

  private Future<Map<TopicPartition, Long>> endOffsets(String topic) {
    return admin.describeTopics(List.of(topic)).compose(described -> {
      Map<TopicPartition, OffsetSpec> latest = described.get(topic).getPartitions().stream()
          .collect(Collectors.toMap(p -> new TopicPartition(topic, p.getPartition()), p -> OffsetSpec.LATEST));
      return admin.listOffsets(latest);
    }).map(offsets -> offsets.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getOffset())));
  }

  private void poll(String group, Map<TopicPartition, Long> ends, long deadline, Promise<Void> caughtUp) {
    admin.listConsumerGroupOffsets(group).onComplete(committed -> {
      if (committed.succeeded() && reached(committed.result(), ends)) {
        caughtUp.complete();
      } else if (System.currentTimeMillis() >= deadline) {
        caughtUp.fail(new TimeoutException("group " + group + " has not committed up to " + ends));
      } else {
        vertx.setTimer(POLL_INTERVAL_MS, id -> poll(group, ends, deadline, caughtUp));
      }
    });
  }

  private static boolean reached(Map<TopicPartition, OffsetAndMetadata> committed, Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream().allMatch(end -> {
      OffsetAndMetadata offset = committed.get(end.getKey());
      return (offset == null ? 0 : offset.getOffset()) >= end.getValue();
    });
  }
}
