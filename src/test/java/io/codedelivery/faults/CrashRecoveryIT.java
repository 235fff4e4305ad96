package io.codedelivery.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.support.AppProcess;
import io.codedelivery.support.TempDirs;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The application process killed with SIGKILL (no clean shutdown) in the middle of deliveries, then started
 * again on the same data directory: every delivery finishes, with every position stored exactly once.
 */
class CrashRecoveryIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int DELIVERIES = 10;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, String> env = new HashMap<>();
  private Process app;
  private String baseUrl;
  /** The admin's session token, from the process's own web port; sessions are stored, so it outlives the crash. */
  private String token;

  @AfterEach
  void stopApp() throws InterruptedException {
    if (app != null && app.isAlive()) {
      app.destroy();
      app.waitFor(30, TimeUnit.SECONDS);
    }
    String dataDir = env.get(Setting.DATA_DIR.envVar());
    if (dataDir != null) {
      TempDirs.deleteTree(Path.of(dataDir));
    }
  }

  private void startApp(String log) throws Exception {
    app = AppProcess.startReady(env, log, WAIT);
  }

  /** A request to the application's API as its admin. */
  private HttpRequest.Builder asAdmin(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10)).header("authorization", "Bearer " + token);
  }

  private HttpResponse<String> getAsAdmin(String path) throws Exception {
    return http.send(asAdmin(path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject delivery(String id) throws Exception {
    HttpResponse<String> response = getAsAdmin("/api/deliveries/" + id);
    return response.statusCode() == 200 ? new JsonObject(response.body()) : new JsonObject();
  }

  @Test
  void aKilledProcessRestartedOnItsDataFinishesEveryDeliveryWithNoGapAndNoDuplicate() throws Exception {
    env.putAll(TestStack.asEnv(TestStack.isolatedSettings("code-delivery-crash")));
    env.put(Setting.SIMULATION_INTERVAL_MS.envVar(), "50");
    env.put(Setting.INSTANCE_ID.envVar(), "crash-test");
    baseUrl = "http://localhost:" + env.get(Setting.HTTP_PORT.envVar());
    startApp("crash-recovery-before.log");
    token = TestStack.signInAt(baseUrl, "admin", TestStack.ADMIN_PASSWORD);

    List<String> ids = new ArrayList<>();
    for (int i = 0; i < DELIVERIES; i++) {
      HttpResponse<String> started = http.send(asAdmin("/api/deliveries")
          .header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"routeId\":\"" + (1 + i % 3) + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(started.statusCode()).isEqualTo(202);
      ids.add(new JsonObject(started.body()).getString("deliveryId"));
    }
    await().atMost(WAIT).until(() -> {
      for (String id : ids) {
        if (delivery(id).getLong("lastSeq", -1L) < 20) {
          return false;
        }
      }
      return true;
    });

    app.destroyForcibly();
    assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
    startApp("crash-recovery-after.log");

    await().atMost(WAIT).until(() -> {
      for (String id : ids) {
        if (!"finished".equals(delivery(id).getString("status"))) {
          return false;
        }
      }
      return true;
    });
    for (String id : ids) {
      JsonObject state = delivery(id);
      long points = state.getLong("pointCount");
      JsonArray track = new JsonArray(getAsAdmin("/api/deliveries/" + id + "/positions").body());
      List<Long> seqs = track.stream().map(p -> ((JsonObject) p).getLong("seq")).toList();
      assertThat(seqs).as("stored track of %s", id).isEqualTo(LongStream.range(0, points).boxed().toList());
      assertThat(state.getLong("lastSeq")).isEqualTo(points - 1);
    }
  }
}
