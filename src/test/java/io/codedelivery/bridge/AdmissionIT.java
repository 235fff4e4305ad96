package io.codedelivery.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.model.Topics;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code deliveries.max.active} is exact per process: a burst of starts admits exactly that many, positions of
 * deliveries this process never admitted take no place, and finished deliveries give theirs back.
 */
class AdmissionIT {
  private static final int MAX_ACTIVE = 50;
  private static final int BURST = 1_000;
  private static TestStack stack;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    // Slow vehicles: nothing admitted in the burst finishes (and frees a place) before the burst is over.
    stack = TestStack.start(Map.of(Setting.DELIVERIES_MAX_ACTIVE, String.valueOf(MAX_ACTIVE),
        Setting.SIMULATION_INTERVAL_MS, "2000"));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aBurstOfStartsAdmitsExactlyTheCapEvenWithStrangersPositionsOnTheTopic() throws Exception {
    try (KafkaProducer<String, String> producer = stack.kafkaProducer()) {
      for (int i = 0; i < 2 * MAX_ACTIVE; i++) {
        String stranger = UUID.randomUUID().toString();
        JsonObject position = new JsonObject().put("deliveryId", stranger).put("routeId", "1").put("seq", 0)
            .put("position", new JsonObject().put("lat", -15.82594).put("lon", -47.92923))
            .put("finished", false).put("timestamp", Instant.now().toString());
        producer.send(new ProducerRecord<>(Topics.NEW_POSITION, stranger, position.encode())).get();
      }
    }
    // The bridge has seen the strangers' first positions once it publishes them.
    await().atMost(Duration.ofSeconds(30)).until(() -> bridged() >= 2 * MAX_ACTIVE);

    List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      burst.add(http.sendAsync(stack.request("/api/deliveries")
          .timeout(Duration.ofSeconds(60)).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"routeId\":\"1\"}")).build(), HttpResponse.BodyHandlers.ofString()));
    }
    List<HttpResponse<String>> answers = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> answer : burst) {
      answers.add(answer.get());
    }

    assertThat(answers).filteredOn(r -> r.statusCode() == 202).as("starts admitted").hasSize(MAX_ACTIVE);
    assertThat(answers).filteredOn(r -> r.statusCode() == 429).as("starts refused").hasSize(BURST - MAX_ACTIVE)
        .allSatisfy(r -> assertThat(new JsonObject(r.body()).getString("message")).contains("too many active deliveries"));
  }

  private static double bridged() {
    return stack.app().metrics().registry().get("codedelivery.positions.bridged").counter().count();
  }
}
