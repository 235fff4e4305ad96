package io.codedelivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.config.Setting;
import io.codedelivery.support.AppProcess;
import io.codedelivery.support.TempDirs;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code warmup.seconds}: the process rehearses on a private copy of itself before it starts. The rehearsal carries
 * positions and fixes, and the real instance then starts with none of it: no delivery, no device, and its own logs.
 */
class WarmUpIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Pattern DONE = Pattern.compile(
      "Warm-up done: (\\d+) deliveries followed over SockJS \\((\\d+) positions\\), (\\d+) fixes accepted");
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, String> env = new HashMap<>();
  private static final String LOG_NAME = "warm-up-it.log";
  private final Path log = Path.of("target", LOG_NAME);
  private Process app;

  @AfterEach
  void stopApp() throws InterruptedException {
    if (app != null && app.isAlive()) {
      app.destroy();
      app.waitFor(30, TimeUnit.SECONDS);
    }
    TempDirs.deleteTree(Path.of(env.get(Setting.DATA_DIR.envVar())));
  }

  @Test
  void aRehearsalCarriesPositionsAndFixesAndLeavesTheRealInstanceAsNew() throws Exception {
    env.putAll(TestStack.asEnv(TestStack.isolatedSettings("code-delivery-warm-up")));
    env.put(Setting.WARMUP_SECONDS.envVar(), "4");
    String base = "http://localhost:" + env.get(Setting.HTTP_PORT.envVar());
    app = AppProcess.startReady(env, LOG_NAME, WAIT);

    String output = Files.readString(log);
    Matcher done = DONE.matcher(output);
    assertThat(done.find()).as("the warm-up's summary in %s", log).isTrue();
    assertThat(Long.parseLong(done.group(1))).as("deliveries followed").isPositive();
    assertThat(Long.parseLong(done.group(2))).as("positions received over SockJS").isPositive();
    assertThat(Long.parseLong(done.group(3))).as("fixes accepted").isPositive();
    // The private copy's start is silent; the real one's is logged as always, after the summary.
    assertThat(output.substring(done.end())).contains("Code Delivery started in");
    // Nor the line that creates its admin, which would show a generated password: secrets never reach the logs.
    assertThat(output.substring(0, done.start())).doesNotContain("Deployed 1 × bridge", "Created user");

    String token = TestStack.signInAt(base, "admin", TestStack.ADMIN_PASSWORD);
    assertThat(new JsonObject(get(base + "/api/deliveries", token).body()).getJsonArray("items")).isEmpty();
    HttpResponse<String> devices = get(base + "/api/devices", token);
    assertThat(devices.statusCode()).isEqualTo(200);
    assertThat(devices.body()).doesNotContain("warm-up");
  }

  private HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
