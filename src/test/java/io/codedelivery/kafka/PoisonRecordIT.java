package io.codedelivery.kafka;

import static io.codedelivery.support.KafkaRecords.header;
import static io.codedelivery.support.KafkaRecords.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.model.ConsumerGroups;
import io.codedelivery.model.Topics;
import io.codedelivery.support.KafkaRecords;
import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TestStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A record as large as the broker takes cannot be copied to the dead-letter topic whole (the copy's headers push it
 * over the limit). It is dead-lettered truncated, and what follows it on its partition is used: it holds nothing.
 */
class PoisonRecordIT {
  /**
   * Just under the broker's default limit (message.max.bytes, 1,048,588 bytes for the record's whole batch): the
   * record is taken, a whole copy of it with the dead-letter headers would be over the producer's 1 MiB.
   */
  private static final int NEAR_LIMIT_BYTES = 1_048_400;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static TestStack stack;

  @BeforeAll
  static void start() {
    stack = TestStack.start(Map.of());
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void aPositionAsLargeAsTheBrokerTakesIsDeadLetteredTruncatedAndTheDeliverysNextPositionsAreStored() {
    String deliveryId = UUID.randomUUID().toString();
    try (KafkaProducer<String, String> producer = KafkaRecords.largeRecordProducer(stack)) {
      send(producer, Topics.NEW_POSITION, deliveryId, KafkaRecords.padded(deliveryId, NEAR_LIMIT_BYTES));
      for (long seq = 0; seq < 5; seq++) {
        send(producer, Topics.NEW_POSITION, deliveryId, KafkaRecords.position(deliveryId, "1", seq));
      }
    }

    StoreProbe store = new StoreProbe(stack.app());
    await().atMost(WAIT).until(() -> store.storedSeqs(deliveryId).size() == 5);
    assertThat(store.storedSeqs(deliveryId)).isEqualTo(LongStream.range(0, 5).boxed().toList());
    assertTruncatedDeadLetter(deliveryId, Topics.NEW_POSITION);
  }

  @Test
  void aDirectionAsLargeAsTheBrokerTakesIsDeadLetteredTruncatedAndTheNextOneRunsAndIsCommittedPast() throws Exception {
    String deliveryId = UUID.randomUUID().toString();
    RecordMetadata good;
    try (KafkaProducer<String, String> producer = KafkaRecords.largeRecordProducer(stack)) {
      send(producer, Topics.NEW_DIRECTION, deliveryId, KafkaRecords.padded(deliveryId, NEAR_LIMIT_BYTES));
      good = send(producer, Topics.NEW_DIRECTION, deliveryId, KafkaRecords.direction(deliveryId, "2"));
    }

    StoreProbe store = new StoreProbe(stack.app());
    await().atMost(WAIT).until(() -> store.isFinished(deliveryId));
    assertThat(store.storedSeqs(deliveryId)).isEqualTo(store.wholeTrack(deliveryId));
    assertTruncatedDeadLetter(deliveryId, Topics.NEW_DIRECTION);
    // Committed past both: a restart does not read the large record again, nor replay the delivery.
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrapServers()))) {
      await().atMost(WAIT).until(() -> KafkaRecords.committed(admin, ConsumerGroups.SIMULATION, good) > good.offset());
    }
  }

  private static void assertTruncatedDeadLetter(String key, String sourceTopic) {
    ConsumerRecord<String, String> letter = KafkaRecords.deadLetters(stack, Set.of(key)).get(key);
    assertThat(letter.value().getBytes(StandardCharsets.UTF_8)).hasSize(DeadLetters.MAX_VALUE_BYTES);
    assertThat(letter.value()).startsWith("{\"deliveryId\":\"" + key + "\"");
    assertThat(header(letter, Topics.DEAD_LETTER_ORIGINAL_BYTES_HEADER)).isEqualTo(String.valueOf(NEAR_LIMIT_BYTES));
    assertThat(header(letter, Topics.DEAD_LETTER_TRUNCATED_HEADER)).isEqualTo("true");
    assertThat(header(letter, Topics.DEAD_LETTER_REASON_HEADER)).contains("exceeds the limit");
    assertThat(header(letter, Topics.DEAD_LETTER_SOURCE_HEADER)).startsWith(sourceTopic + "-");
  }
}
