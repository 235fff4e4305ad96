package io.codedelivery.kafka;

import io.vertx.core.Future;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import java.util.HashMap;
import java.util.Map;

/** How a poll loop reads a batch again whose work failed: nothing of it is committed, nothing skipped. */
public final class Rewind {
  private Rewind() {
  }

  /** Moves each partition of the batch back to its first record, so the next poll reads the batch again. */
  public static Future<Void> toStartOf(KafkaConsumer<String, String> consumer, KafkaConsumerRecords<String, String> records) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, String> record = records.recordAt(i);
      first.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
    }
    return Future.all(first.entrySet().stream().map(e -> consumer.seek(e.getKey(), e.getValue())).toList()).mapEmpty();
  }
}
