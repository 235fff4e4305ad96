package io.codedelivery.kafka;

import io.vertx.core.Future;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** How a poll loop reads a batch again whose work failed: nothing of it is committed, nothing skipped. */
public final class Rewind {
  private Rewind() {
  }

  /** Moves each partition of the batch back to its first record, so the next poll reads the batch again. */
  public static Future<Void> toStartOf(KafkaConsumer<String, String> consumer, KafkaConsumerRecords<String, String> records) {
    return seek(consumer, firstOffsets(List.of(records)));
  }

  /**
   * Moves each partition of these batches that this member still holds back to its first record in them, so the next
   * polls read them all again; partitions a rebalance took away are their new owner's to read.
   */
  public static Future<Void> toStartOf(KafkaConsumer<String, String> consumer, List<KafkaConsumerRecords<String, String>> batches) {
    Map<TopicPartition, Long> first = firstOffsets(batches);
    if (first.isEmpty()) {
      return Future.succeededFuture();
    }
    return consumer.assignment().compose(held -> {
      first.keySet().retainAll(Set.copyOf(held));
      return seek(consumer, first);
    });
  }

  private static Map<TopicPartition, Long> firstOffsets(List<KafkaConsumerRecords<String, String>> batches) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (KafkaConsumerRecords<String, String> records : batches) {
      for (int i = 0; i < records.size(); i++) {
        KafkaConsumerRecord<String, String> record = records.recordAt(i);
        first.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
      }
    }
    return first;
  }

  private static Future<Void> seek(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> first) {
    return Future.all(first.entrySet().stream().map(e -> consumer.seek(e.getKey(), e.getValue())).toList()).mapEmpty();
  }
}
