package io.codedelivery.kafka;

import static io.codedelivery.support.KafkaRecords.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.model.ConsumerGroups;
import io.codedelivery.model.Topics;
import io.codedelivery.support.KafkaRecords;
import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TestStack;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A bad record whose dead letter the broker refuses for good (here: a dead-letter topic that takes no record over
 * 512 bytes) is skipped, counted and logged, and its partition goes on: nothing retries it forever.
 */
class SkippedRecordIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static TestStack stack;
  private static Admin admin;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start(Map.of());
    admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrapServers()));
    ConfigResource deadLetterTopic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.DEAD_LETTER);
    admin.incrementalAlterConfigs(Map.of(deadLetterTopic, List.of(new AlterConfigOp(
        new ConfigEntry("max.message.bytes", "512"), AlterConfigOp.OpType.SET)))).all().get();
  }

  @AfterAll
  static void stop() {
    admin.close();
    stack.close();
  }

  @Test
  void aBadPositionThatCannotBeDeadLetteredIsSkippedAndTheNextPositionsAreStored() {
    String deliveryId = UUID.randomUUID().toString();
    try (KafkaProducer<String, String> producer = stack.kafkaProducer()) {
      send(producer, Topics.NEW_POSITION, deliveryId, "{not json" + "x".repeat(1_000));
      for (long seq = 0; seq < 5; seq++) {
        send(producer, Topics.NEW_POSITION, deliveryId, KafkaRecords.position(deliveryId, "1", seq));
      }
    }

    StoreProbe store = new StoreProbe(stack.app());
    await().atMost(WAIT).until(() -> store.storedSeqs(deliveryId).size() == 5);
    assertThat(store.storedSeqs(deliveryId)).isEqualTo(LongStream.range(0, 5).boxed().toList());
    assertThat(count("codedelivery.records.skipped", Topics.NEW_POSITION)).isEqualTo(1);
    assertNothingDeadLettered();
  }

  @Test
  void aBadDirectionThatCannotBeDeadLetteredIsSkippedAndCommittedPast() throws Exception {
    String deliveryId = UUID.randomUUID().toString();
    RecordMetadata good;
    try (KafkaProducer<String, String> producer = stack.kafkaProducer()) {
      send(producer, Topics.NEW_DIRECTION, deliveryId, "{not json" + "x".repeat(1_000));
      good = send(producer, Topics.NEW_DIRECTION, deliveryId, KafkaRecords.direction(deliveryId, "2"));
    }

    StoreProbe store = new StoreProbe(stack.app());
    await().atMost(WAIT).until(() -> store.isFinished(deliveryId));
    await().atMost(WAIT).until(() -> KafkaRecords.committed(admin, ConsumerGroups.SIMULATION, good) > good.offset());
    assertThat(count("codedelivery.records.skipped", Topics.NEW_DIRECTION)).isEqualTo(1);
    assertNothingDeadLettered();
  }

  private static double count(String meter, String topic) {
    Counter counter = stack.app().metrics().registry().find(meter).tag("topic", topic).counter();
    return counter == null ? 0 : counter.count();
  }

  private static void assertNothingDeadLettered() {
    TopicPartition only = new TopicPartition(Topics.DEAD_LETTER, 0);
    try {
      assertThat(admin.listOffsets(Map.of(only, OffsetSpec.latest())).all().get().get(only).offset()).isZero();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    assertThat(count("codedelivery.dead.letters", Topics.NEW_POSITION) + count("codedelivery.dead.letters", Topics.NEW_DIRECTION))
        .isZero();
  }
}
