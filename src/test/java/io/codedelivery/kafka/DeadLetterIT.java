package io.codedelivery.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static io.codedelivery.support.KafkaRecords.position;
import static org.awaitility.Awaitility.await;

import io.codedelivery.model.Topics;
import io.codedelivery.support.Deliveries;
import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TestStack;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Records nobody can use go to the dead-letter topic with the reason, are counted, and stop nothing. */
class DeadLetterIT {
  private static final String VALID_DELIVERY = "11111111-2222-4333-8444-555555555555";
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
  void everyKindOfBadRecordIsDeadLetteredWithItsReasonAndThePipelineGoesOn() throws Exception {
    String oversized = "{\"deliveryId\":\"" + UUID.randomUUID() + "\",\"routeId\":\"" + "x".repeat(20_000) + "\"}";
    Map<String, String> badDirections = Map.of(
        "malformed", "{not json",
        "wrong-types", "{\"deliveryId\":42,\"routeId\":\"1\",\"requestedAt\":\"" + Instant.now() + "\"}",
        "missing-fields", "{\"routeId\":\"1\"}",
        "unknown-route", "{\"deliveryId\":\"" + UUID.randomUUID() + "\",\"routeId\":\"99\",\"requestedAt\":\"" + Instant.now() + "\"}",
        "oversized", oversized);
    Map<String, String> badPositions = Map.of(
        "malformed", "[1,2,3]",
        "wrong-types", position(VALID_DELIVERY, "1", 0).replace("\"seq\":0", "\"seq\":\"zero\""),
        "missing-fields", "{\"deliveryId\":\"" + VALID_DELIVERY + "\"}",
        "unknown-route", position(VALID_DELIVERY, "99", 0),
        "seq-beyond-route", position(VALID_DELIVERY, "1", 10_000),
        "oversized", oversized);
    String run = UUID.randomUUID().toString();
    try (KafkaProducer<String, String> producer = stack.kafkaProducer()) {
      for (var bad : badDirections.entrySet()) {
        producer.send(new ProducerRecord<>(Topics.NEW_DIRECTION, run + "/direction/" + bad.getKey(), bad.getValue())).get();
      }
      for (var bad : badPositions.entrySet()) {
        producer.send(new ProducerRecord<>(Topics.NEW_POSITION, run + "/position/" + bad.getKey(), bad.getValue())).get();
      }
    }

    Map<String, String> reasons = new ConcurrentHashMap<>();
    try (KafkaConsumer<String, String> deadLetters = stack.kafkaConsumer("dead-letter-test-" + UUID.randomUUID())) {
      deadLetters.subscribe(List.of(Topics.DEAD_LETTER));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (ConsumerRecord<String, String> letter : deadLetters.poll(Duration.ofMillis(200))) {
          if (letter.key() != null && letter.key().startsWith(run)) {
            reasons.put(letter.key().substring(run.length() + 1),
                new String(letter.headers().lastHeader(Topics.DEAD_LETTER_REASON_HEADER).value(), StandardCharsets.UTF_8));
          }
        }
        return reasons.size() == badDirections.size() + badPositions.size();
      });
    }

    assertThat(reasons).containsEntry("direction/malformed", "not a JSON object")
        .containsEntry("direction/unknown-route", "unknown route '99'")
        .containsEntry("position/unknown-route", "unknown route '99'")
        .containsEntry("position/malformed", "not a JSON object");
    assertThat(reasons.get("direction/wrong-types")).contains("'deliveryId'");
    assertThat(reasons.get("direction/missing-fields")).contains("'deliveryId'");
    assertThat(reasons.get("position/wrong-types")).contains("'seq'");
    assertThat(reasons.get("position/missing-fields")).contains("'routeId'");
    assertThat(reasons.get("position/seq-beyond-route")).contains("beyond");
    assertThat(reasons.get("direction/oversized")).contains("exceeds the limit");
    assertThat(reasons.get("position/oversized")).contains("exceeds the limit");
    assertThat(deadLettered(Topics.NEW_DIRECTION)).isEqualTo(badDirections.size());
    assertThat(deadLettered(Topics.NEW_POSITION)).isEqualTo(badPositions.size());

    String id = Deliveries.start(stack.app().vertx(), "2");
    StoreProbe store = new StoreProbe(stack.app());
    await().atMost(Duration.ofSeconds(60)).until(() -> store.isFinished(id));
    assertThat(store.storedSeqs(id)).hasSize(stack.app().routes().find("2").orElseThrow().points().size());
  }

  private static double deadLettered(String topic) {
    Counter counter = stack.app().metrics().registry().find("codedelivery.dead.letters").tag("topic", topic).counter();
    return counter == null ? 0 : counter.count();
  }
}
