package io.codedelivery.ingest;

import static org.awaitility.Awaitility.await;

import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.Topics;
import io.codedelivery.support.TestStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** {@code device.positions} read from its start with a plain Kafka consumer, as the ingest tests check what was produced. */
final class DevicePositionsReader implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final List<ConsumerRecord<String, String>> read = new ArrayList<>();
  private final KafkaConsumer<String, String> consumer;

  DevicePositionsReader(TestStack stack) {
    consumer = stack.kafkaConsumer("ingest-it-" + UUID.randomUUID());
    List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEVICE_POSITIONS).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Every fix of the device on the topic, once there are at least this many. */
  List<DeviceFix> fixesOf(String deviceId, int atLeast) {
    await().atMost(TIMEOUT).until(() -> {
      consumer.poll(Duration.ofMillis(200)).forEach(read::add);
      return read.stream().filter(r -> deviceId.equals(r.key())).count() >= atLeast;
    });
    return read.stream().filter(r -> deviceId.equals(r.key())).map(r -> DeviceFix.fromJson(r.value())).toList();
  }

  /** The records read so far. */
  List<ConsumerRecord<String, String>> read() {
    return read;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
