package io.codedelivery.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.model.Route;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A stack of its own, slow enough to watch vehicles move (60 ms a point), without map tiles; and shared helpers:
 * browsers signed in as the stack's admin through the sign-in page, and REST calls as that admin.
 */
abstract class MapPageTestBase {
  static final String INTERVAL_MS = "60";
  static final Duration WAIT = Browser.WAIT;
  static TestStack stack;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void startStack() {
    Browser.assumeInstalled();
    stack = TestStack.start(Map.of(Setting.SIMULATION_INTERVAL_MS, INTERVAL_MS, Setting.MAP_TILES_URL, ""));
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
      stack = null;
    }
  }

  static ConditionFactory waitUpTo() {
    return await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions();
  }

  /** A new browser, signed in as the admin through the sign-in page of this class's stack (it shows the console). */
  static Browser signedIn() {
    return Browser.openSignedIn(stack);
  }

  static Route route(String id) {
    return stack.app().routes().find(id).orElseThrow();
  }

  static List<Long> allSeqsOf(Route route) {
    return LongStream.range(0, route.points().size()).boxed().toList();
  }

  String startOverRest(String routeId) throws Exception {
    return started(postJson("/api/deliveries", new JsonObject().put("routeId", routeId)));
  }

  /** The id of the delivery a POST /api/deliveries started (asserting it did). */
  static String started(HttpResponse<String> response) {
    assertThat(response.statusCode()).as("POST /api/deliveries: %s", response.body()).isEqualTo(202);
    return new JsonObject(response.body()).getString("deliveryId");
  }

  /** POST of a JSON body (as the admin). */
  HttpResponse<String> postJson(String path, JsonObject body) throws Exception {
    return http.send(stack.request(path)
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
        .timeout(Duration.ofSeconds(30))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  /** GET /api/deliveries/{id} (as the admin), or null while the store does not know the delivery yet. */
  JsonObject deliveryState(String id) throws Exception {
    HttpResponse<String> response = http.send(stack.request("/api/deliveries/" + id)
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? new JsonObject(response.body()) : null;
  }
}
