package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.model.Addresses;
import io.codedelivery.support.SockJsClient;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the static files may be cached, and what is compressed, as a browser meets it: the pages and their scripts are
 * revalidated every time (a deploy reaches users at once) and cost an empty 304 while unchanged; versioned libraries
 * are kept for a year; text is gzip'd for a client that asks, and only then; SockJS's streaming transport still
 * streams through the compressor.
 */
class StaticCachingIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final TestStack stack = TestStack.shared();
  /** Java's client asks for no encoding unless told: what a client that cannot decompress sends. */
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request = stack.request(path).timeout(TIMEOUT);
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/index.html", "/app.js", "/styles.css", "/vendor/vertx-eventbus.js", "/track/some-link-token"})
  void pagesAndTheirScriptsAreRevalidatedEveryTimeAndCostA304WhileUnchanged(String path) throws Exception {
    HttpResponse<byte[]> first = get(path);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("cache-control")).hasValue("no-cache");
    String etag = first.headers().firstValue("etag").orElseThrow();
    assertThat(etag).startsWith("W/\"");

    HttpResponse<byte[]> again = get(path, "If-None-Match", etag);
    HttpResponse<byte[]> other = get(path, "If-None-Match", "W/\"something-else\"");

    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(again.headers().firstValue("etag")).hasValue(etag);
    assertThat(again.headers().firstValue("cache-control")).hasValue("no-cache");
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.body()).isEqualTo(first.body());
  }

  /** What a scanner probes, and mistyped links: each a JSON 404 saying what was asked for. */
  @ParameterizedTest
  @ValueSource(strings = {"/nonexistent", "/a/b/c", "/.env", "/.git/config", "/wp-login.php", "/vendor/", "/app.js/x",
      "/webjars/leaflet/9.9.9/leaflet.js", "/webjars/", "/%2e%2e/conf/application.properties"})
  void aNameThatIsNoFileIsANotFoundThatSaysWhatWasAskedFor(String path) throws Exception {
    HttpResponse<byte[]> answer = get(path);
    HttpResponse<byte[]> head = http.send(stack.request(path).timeout(TIMEOUT).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertThat(answer.statusCode()).isEqualTo(404);
    JsonObject error = new JsonObject(new String(answer.body(), StandardCharsets.UTF_8));
    assertThat(error.getString("error")).isEqualTo("not_found");
    assertThat(error.getString("message")).startsWith("nothing at /");
    assertThat(head.statusCode()).isEqualTo(404);
  }

  @Test
  void theTagIsTheContentsSoTwoFilesDifferAndTheSameFileKeepsItsTag() throws Exception {
    String app = get("/app.js").headers().firstValue("etag").orElseThrow();

    assertThat(get("/app.js").headers().firstValue("etag")).hasValue(app);
    assertThat(get("/state.js").headers().firstValue("etag").orElseThrow()).isNotEqualTo(app);
  }

  @Test
  void versionedLibrariesAreKeptForAYearWithoutAsking() throws Exception {
    HttpResponse<byte[]> leaflet = get("/webjars/leaflet/1.9.4/dist/leaflet.js");

    assertThat(leaflet.statusCode()).isEqualTo(200);
    assertThat(leaflet.headers().firstValue("cache-control")).hasValueSatisfying(v -> assertThat(v)
        .contains("immutable").contains("max-age=31536000"));
  }

  @Test
  void aTextFileIsGzippedForAClientThatAsksAndOnlyThen() throws Exception {
    HttpResponse<byte[]> plain = get("/app.js");
    HttpResponse<byte[]> gzipped = get("/app.js", "Accept-Encoding", "gzip");

    assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
    assertThat(gzipped.headers().firstValue("content-encoding")).hasValue("gzip");
    assertThat(gzipped.headers().allValues("vary").toString().toLowerCase()).contains("accept-encoding");
    assertThat(gunzip(gzipped.body())).isEqualTo(plain.body());
    assertThat(gzipped.body().length).isLessThan(plain.body().length / 2);
  }

  @Test
  void restAnswersAreGzippedOnlyWhenAskedAndShortOnesNever() throws Exception {
    HttpResponse<byte[]> plain = get("/api/routes/1");
    HttpResponse<byte[]> gzipped = get("/api/routes/1", "Accept-Encoding", "gzip, deflate");
    HttpResponse<byte[]> shortError = get("/api/routes/99", "Accept-Encoding", "gzip");

    assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
    assertThat(new JsonObject(new String(plain.body(), StandardCharsets.UTF_8)).getString("id")).isEqualTo("1");
    assertThat(gzipped.headers().firstValue("content-encoding")).hasValue("gzip");
    assertThat(gunzip(gzipped.body())).isEqualTo(plain.body());
    assertThat(shortError.statusCode()).isEqualTo(404);
    assertThat(shortError.headers().firstValue("content-encoding")).isEmpty();
    assertThat(new JsonObject(new String(shortError.body(), StandardCharsets.UTF_8)).getString("error")).isEqualTo("not_found");
  }

  /**
   * sockjs-client's fallback when WebSocket is blocked: one long POST streaming frames. With gzip asked for, each
   * frame must still arrive as it is sent, not when the response ends.
   */
  @Test
  void sockJsStreamingStillStreamsFramesWhenGzipped() throws Exception {
    String session = "/eventbus/7/" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<InputStream> stream = http.send(stack.request(session + "/xhr_streaming").timeout(TIMEOUT)
        .header("Accept-Encoding", "gzip").POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("content-encoding")).hasValue("gzip");
    try (InputStream frames = new GZIPInputStream(stream.body())) {
      assertThat(nextFrame(frames, "o")).isEqualTo("o");
      String frame = SockJsClient.frame(SockJsClient.authorized(new JsonObject().put("type", "send").put("address", Addresses.START_DELIVERY)
          .put("body", new JsonObject().put("routeId", "1")).put("replyAddress", "reply-1"), stack.adminToken()));
      HttpResponse<String> sent = http.send(stack.request(session + "/xhr_send").timeout(TIMEOUT)
          .header("content-type", "text/plain;charset=UTF-8").POST(HttpRequest.BodyPublishers.ofString(frame)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(sent.statusCode()).isEqualTo(204);
      JsonObject reply = SockJsClient.messages(nextFrame(frames, "a")).get(0);
      assertThat(reply.getString("address")).isEqualTo("reply-1");
      assertThat(reply.getJsonObject("body").getString("deliveryId")).isNotBlank();
    }
  }

  /**
   * The next frame of the given type from a stream still open, or a failure after the timeout. Read a byte at a
   * time: a Reader on a GZIPInputStream waits for more than the frame (the stream always claims to have more).
   */
  private static String nextFrame(InputStream frames, String type) throws Exception {
    return CompletableFuture.supplyAsync(() -> {
      try {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = frames.read(); b >= 0; b = frames.read()) {
          if (b != '\n') {
            line.write(b);
          } else if (line.toString(StandardCharsets.UTF_8).startsWith(type)) {
            return line.toString(StandardCharsets.UTF_8);
          } else {
            line.reset();
          }
        }
        throw new AssertionError("the stream ended before a '" + type + "' frame");
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static byte[] gunzip(byte[] compressed) throws Exception {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
      return in.readAllBytes();
    }
  }
}
