package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.support.Deliveries;
import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Health probes and Prometheus metrics, as Kubernetes and Prometheus see them. */
class OperationsIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)");
  private static TestStack stack;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startStack() throws Exception {
    stack = TestStack.onOwnInfrastructure(Map.of());
    stack.awaitConsumerGroupsStable(1);
  }

  @AfterAll
  static void stopStack() {
    stack.close();
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> ready() throws Exception {
    return get(stack.managementUrl() + "/health/ready");
  }

  private static String statusOf(HttpResponse<String> response, String check) {
    return new JsonObject(response.body()).getJsonArray("checks").stream().map(c -> (JsonObject) c)
        .filter(c -> check.equals(c.getString("id"))).findFirst().orElseThrow().getString("status");
  }

  @Test
  void livenessAndReadinessAreUpWithOneEntryPerCheckOnTheManagementPortOnly() throws Exception {
    HttpResponse<String> live = get(stack.managementUrl() + "/health/live");
    HttpResponse<String> ready = ready();
    HttpResponse<String> readyOnWebPort = get(stack.baseUrl() + "/health/ready");

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    for (String check : new String[] {"kafka", "mongodb", "verticles"}) {
      assertThat(statusOf(ready, check)).isEqualTo("UP");
    }
    // What the probes report is for the cluster, on its own port: the public web port does not serve them at all.
    assertThat(readyOnWebPort.statusCode()).as(readyOnWebPort.body()).isEqualTo(404);
    assertThat(readyOnWebPort.body()).doesNotContain("kafka", "mongodb", "checks");
  }

  @Test
  void readinessGoesDownWhileMongoIsAwayAndUpWhenItReturns() throws Exception {
    assertReadinessFollows("mongodb", stack.store()::stop, stack.store()::startAgain);
  }

  @Test
  void readinessGoesDownWhileKafkaIsAwayAndUpWhenItReturns() throws Exception {
    assertReadinessFollows("kafka", stack.broker()::stop, stack.broker()::startAgain);
  }

  /** A dependency going away turns readiness 503 naming it; its return turns readiness 200, with no restart. */
  private void assertReadinessFollows(String check, Runnable stop, Restart restart) throws Exception {
    stop.run();
    try {
      await().atMost(WAIT).until(() -> ready().statusCode() == 503);
      assertThat(statusOf(ready(), check)).isEqualTo("DOWN");
    } finally {
      restart.run();
    }
    await().atMost(WAIT).until(() -> ready().statusCode() == 200);
  }

  @FunctionalInterface
  private interface Restart {
    void run() throws Exception;
  }

  @Test
  void domainCountersRiseByExactlyThePositionsOfACompletedDelivery() throws Exception {
    StoreProbe store = new StoreProbe(stack.app());
    Map<String, Double> before = scrape();
    int points = stack.app().routes().find("2").orElseThrow().points().size();

    String id = Deliveries.start(stack.app().vertx(), "2");
    await().atMost(WAIT).until(() -> store.isFinished(id) && store.storedSeqs(id).size() == points);
    await().atMost(WAIT).until(() -> delta(before, scrape(), "codedelivery_positions_bridged_total") == points
        && delta(before, scrape(), "codedelivery_positions_persisted_total") == points);

    Map<String, Double> after = scrape();
    assertThat(delta(before, after, "codedelivery_positions_produced_total")).isEqualTo(points);
    assertThat(delta(before, after, "codedelivery_positions_bridged_total")).isEqualTo(points);
    assertThat(delta(before, after, "codedelivery_positions_persisted_total")).isEqualTo(points);
    assertThat(delta(before, after, "codedelivery_position_latency_seconds_count")).isEqualTo(points);
    assertThat(after).containsKeys("codedelivery_active_deliveries", "codedelivery_sockjs_sessions",
        "codedelivery_position_latency_seconds_bucket{le=\"0.1\"}");
    assertThat(after.keySet()).anyMatch(name -> name.startsWith("vertx_http_server_requests_total"));
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String name) {
    return after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0);
  }

  /** Parses the Prometheus text format strictly: every line is a comment or a sample. */
  private Map<String, Double> scrape() throws Exception {
    HttpResponse<String> response = get(stack.managementUrl() + "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, Double> samples = new HashMap<>();
    for (String line : response.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      assertThat(sample.matches()).as("Prometheus sample line: %s", line).isTrue();
      String labels = sample.group(2) == null ? "" : sample.group(2);
      String key = sample.group(1) + (labels.contains("le=") ? "{" + labels.replaceAll(".*(le=\"[^\"]*\").*", "$1") + "}" : "");
      samples.merge(key, Double.parseDouble(sample.group(3).replace("+Inf", "Infinity")), Double::sum);
    }
    return samples;
  }
}
