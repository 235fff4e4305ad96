package io.codedelivery.support;

import static org.awaitility.Awaitility.await;

import io.codedelivery.kafka.KafkaClients;
import io.codedelivery.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/** Records written and read with plain Kafka clients, for tests that feed the pipeline themselves. */
public final class KafkaRecords {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private KafkaRecords() {
  }

  public static String position(String deliveryId, String routeId, long seq) {
    return "{\"deliveryId\":\"" + deliveryId + "\",\"routeId\":\"" + routeId + "\",\"seq\":" + seq
        + ",\"position\":{\"lat\":-15.8,\"lon\":-47.9},\"finished\":false,\"timestamp\":\"" + Instant.now() + "\"}";
  }

  public static String direction(String deliveryId, String routeId) {
    return "{\"deliveryId\":\"" + deliveryId + "\",\"routeId\":\"" + routeId + "\",\"requestedAt\":\"" + Instant.now() + "\"}";
  }

  /** A JSON object about the given delivery, padded with ASCII to exactly the given number of bytes. */
  public static String padded(String deliveryId, int bytes) {
    String head = "{\"deliveryId\":\"" + deliveryId + "\",\"padding\":\"";
    String tail = "\"}";
    return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
  }

  /** A producer like the application's, allowed to send records of up to 2 MB (the broker decides what it takes). */
  public static KafkaProducer<String, String> largeRecordProducer(TestStack stack) {
    Map<String, Object> config = new HashMap<>(KafkaClients.producer(stack.app().config().kafkaConnection()));
    config.put("max.request.size", String.valueOf(2 * 1024 * 1024));
    return new KafkaProducer<>(config);
  }

  public static RecordMetadata send(KafkaProducer<String, String> producer, String topic, String key, String value) {
    try {
      return producer.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException("could not write a record to " + topic, e);
    }
  }

  /** The dead letter of each given key, waiting until every one is there. */
  public static Map<String, ConsumerRecord<String, String>> deadLetters(TestStack stack, Set<String> keys) {
    Map<String, ConsumerRecord<String, String>> letters = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = stack.kafkaConsumer("dead-letter-reader-" + UUID.randomUUID())) {
      consumer.subscribe(List.of(Topics.DEAD_LETTER));
      await().atMost(WAIT).until(() -> {
        for (ConsumerRecord<String, String> letter : consumer.poll(Duration.ofMillis(200))) {
          if (keys.contains(letter.key())) {
            letters.put(letter.key(), letter);
          }
        }
        return letters.keySet().containsAll(keys);
      });
    }
    return letters;
  }

  public static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** The offset a consumer group has committed on the partition a record was written to; -1 when none. */
  public static long committed(Admin admin, String groupId, RecordMetadata written) throws Exception {
    TopicPartition partition = new TopicPartition(written.topic(), written.partition());
    OffsetAndMetadata committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get().get(partition);
    return committed == null ? -1 : committed.offset();
  }
}
