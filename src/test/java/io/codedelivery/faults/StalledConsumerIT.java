package io.codedelivery.faults;

import static io.codedelivery.support.KafkaRecords.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.model.ConsumerGroups;
import io.codedelivery.model.Topics;
import io.codedelivery.support.KafkaRecords;
import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A consumer that cannot get past a record while Kafka and MongoDB answer turns readiness DOWN and its stalled gauge
 * to 1 after {@code consumer.stall.seconds}, and both recover once it moves again. Here the dead-letter topic is
 * gone, a failure that may pass, so the persistence consumer keeps retrying its bad record instead of skipping it:
 * the positions behind that record wait, none is lost.
 */
class StalledConsumerIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern STALLED_GAUGE = Pattern.compile(
      "(?m)^codedelivery_consumer_stalled\\{[^}]*group=\"" + ConsumerGroups.PERSISTENCE + "\"[^}]*} (\\S+)$");
  private static TestStack stack;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    stack = TestStack.start(Map.of(Setting.CONSUMER_STALL_SECONDS, "2"));
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void aConsumerHeldByOneRecordIsReportedStalledAndReadyAgainOnceItMoves() throws Exception {
    assertThat(ready().statusCode()).isEqualTo(200);
    String deliveryId = UUID.randomUUID().toString();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrapServers()))) {
      admin.deleteTopics(List.of(Topics.DEAD_LETTER)).all().get();
      try (KafkaProducer<String, String> producer = stack.kafkaProducer()) {
        send(producer, Topics.NEW_POSITION, deliveryId, "{not json");
        for (long seq = 0; seq < 3; seq++) {
          send(producer, Topics.NEW_POSITION, deliveryId, KafkaRecords.position(deliveryId, "1", seq));
        }
      }

      await().atMost(WAIT).until(() -> ready().statusCode() == 503);
      HttpResponse<String> stalled = ready();
      assertThat(check(stalled, "consumers").getString("status")).isEqualTo("DOWN");
      assertThat(check(stalled, "consumers").getJsonObject("data").getJsonObject("stalled").getJsonArray(ConsumerGroups.PERSISTENCE))
          .as(stalled.body()).singleElement().asString().startsWith(Topics.NEW_POSITION + "-").contains("no commit for");
      for (String dependency : List.of("kafka", "mongodb", "verticles")) {
        assertThat(check(stalled, dependency).getString("status")).as(stalled.body()).isEqualTo("UP");
      }
      assertThat(stalledGauge()).isEqualTo(1.0);
      assertThat(new StoreProbe(stack.app()).storedSeqs(deliveryId)).isEmpty();

      admin.createTopics(List.of(new NewTopic(Topics.DEAD_LETTER, 1, (short) 1))).all().get();
    }

    StoreProbe store = new StoreProbe(stack.app());
    await().atMost(WAIT).until(() -> store.storedSeqs(deliveryId).size() == 3);
    assertThat(store.storedSeqs(deliveryId)).isEqualTo(LongStream.range(0, 3).boxed().toList());
    await().atMost(WAIT).until(() -> ready().statusCode() == 200);
    assertThat(stalledGauge()).isZero();
    assertThat(KafkaRecords.deadLetters(stack, Set.of(deliveryId))).containsKey(deliveryId);
  }

  private static HttpResponse<String> ready() throws Exception {
    return get("/health/ready");
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.managementUrl() + path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject check(HttpResponse<String> response, String id) {
    return new JsonObject(response.body()).getJsonArray("checks").stream().map(c -> (JsonObject) c)
        .filter(c -> id.equals(c.getString("id"))).findFirst().orElseThrow();
  }

  private static double stalledGauge() throws Exception {
    Matcher sample = STALLED_GAUGE.matcher(get("/metrics").body());
    assertThat(sample.find()).as("codedelivery_consumer_stalled of the persistence group on /metrics").isTrue();
    return Double.parseDouble(sample.group(1));
  }
}
