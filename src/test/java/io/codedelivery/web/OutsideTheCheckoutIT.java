package io.codedelivery.web;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application started in a directory with no {@code webroot/} (as the jar runs in a container) serves its pages
 * from the class path, the same bytes as the checkout's, revalidated as everywhere, and a name that is no file is a
 * 404.
 */
class OutsideTheCheckoutIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static Map<String, String> env;
  private static Process app;
  private static String base;

  @BeforeAll
  static void startElsewhere() throws Exception {
    env = new HashMap<>(TestStack.asEnv(TestStack.isolatedSettings("code-delivery-outside-checkout")));
    // Route files are read from a directory, not the class path: an operator points ROUTES_DIR at them (README).
    env.put(Setting.ROUTES_DIR.envVar(), Path.of("conf", "routes").toAbsolutePath().toString());
    Path directory = Path.of(env.get(Setting.DATA_DIR.envVar()));
    base = "http://localhost:" + env.get(Setting.HTTP_PORT.envVar());
    app = AppProcess.startReady(env, "outside-the-checkout-it.log", WAIT, directory);
    assertThat(directory.resolve("webroot")).doesNotExist();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (app != null) {
      app.destroy();
      app.waitFor(30, TimeUnit.SECONDS);
    }
    TempDirs.deleteTree(Path.of(env.get(Setting.DATA_DIR.envVar())));
  }

  private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void thePagesAndScriptsAreTheCheckoutsAndCostA304WhileUnchanged() throws Exception {
    for (String[] served : new String[][] {{"/signin", "signin.html"}, {"/app.js", "app.js"},
        {"/vendor/vertx-eventbus.js", "vendor/vertx-eventbus.js"}}) {
      HttpResponse<byte[]> first = get(served[0]);
      assertThat(first.statusCode()).as(served[0]).isEqualTo(200);
      assertThat(first.body()).as(served[0]).isEqualTo(Files.readAllBytes(Path.of("webroot", served[1])));
      String etag = first.headers().firstValue("etag").orElseThrow();
      assertThat(get(served[0], "If-None-Match", etag).statusCode()).as(served[0]).isEqualTo(304);
    }
    assertThat(get("/webjars/leaflet/1.9.4/dist/leaflet.js").statusCode()).isEqualTo(200);
  }

  @Test
  void aNameThatIsNoFileIsANotFound() throws Exception {
    for (String path : new String[] {"/nonexistent", "/a/b/c", "/.env", "/webjars/leaflet/9.9.9/leaflet.js"}) {
      HttpResponse<byte[]> answer = get(path);
      assertThat(answer.statusCode()).as(path).isEqualTo(404);
      assertThat(new JsonObject(new String(answer.body(), StandardCharsets.UTF_8)).getString("error")).isEqualTo("not_found");
    }
  }
}
