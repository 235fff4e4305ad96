package io.codedelivery.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.model.Topics;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A started instance answers readiness 503 ("warm-up" down) while its position path runs its synthetic positions,
 * then 200; and the warm-up leaves nothing anyone sees: no delivery listed, no record on the topics the roles
 * consume, so no stored position and no event.
 */
class PositionPathWarmupIT {
  /** Enough synthetic positions to keep the warm-up running past the first probe, even on a fast machine. */
  private static final String MANY_POSITIONS = "300000";
  private static TestStack stack;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    stack = TestStack.start(Map.of(Setting.WARMUP_POSITIONS, MANY_POSITIONS));
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void readinessWaitsForTheWarmUpWhichLeavesNothingBehind() throws Exception {
    HttpResponse<String> warming = ready();
    assertThat(warming.statusCode()).as(warming.body()).isEqualTo(503);
    assertThat(check(warming, "warm-up").getString("status")).isEqualTo("DOWN");
    for (String other : List.of("kafka", "mongodb", "verticles")) {
      assertThat(check(warming, other).getString("status")).as(warming.body()).isEqualTo("UP");
    }

    await().atMost(Duration.ofMinutes(3)).until(() -> ready().statusCode() == 200);
    assertThat(check(ready(), "warm-up").getString("status")).isEqualTo("UP");

    HttpResponse<String> listed = http.send(stack.request("/api/deliveries").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(listed.body()).getJsonArray("items")).isEmpty();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrapServers()))) {
      for (String topic : List.of(Topics.NEW_DIRECTION, Topics.NEW_POSITION, Topics.DELIVERY_EVENTS)) {
        assertThat(recordsOn(admin, topic)).as(topic).isZero();
      }
    }
  }

  private static long recordsOn(Admin admin, String topic) throws Exception {
    TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    Map<TopicPartition, OffsetSpec> latest = description.partitions().stream()
        .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
    return admin.listOffsets(latest).all().get().values().stream().mapToLong(info -> info.offset()).sum();
  }

  private static HttpResponse<String> ready() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.managementUrl() + "/health/ready")).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject check(HttpResponse<String> response, String id) {
    return new JsonObject(response.body()).getJsonArray("checks").stream().map(c -> (JsonObject) c)
        .filter(c -> id.equals(c.getString("id"))).findFirst().orElseThrow();
  }
}
