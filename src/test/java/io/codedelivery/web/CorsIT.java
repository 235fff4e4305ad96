package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.config.Setting;
import io.codedelivery.support.TestStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CORS opens to exactly the configured origins, and to no other. */
class CorsIT {
  private static TestStack stack;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    stack = TestStack.start(Map.of(Setting.CORS_ALLOWED_ORIGINS, "https://dispatch.example"));
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  private HttpResponse<String> preflightFrom(String origin) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/deliveries"))
        .timeout(java.time.Duration.ofSeconds(30))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type").build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aConfiguredOriginMayCallTheApiAndOthersMayNot() throws Exception {
    HttpResponse<String> allowed = preflightFrom("https://dispatch.example");
    HttpResponse<String> other = preflightFrom("https://elsewhere.example");

    assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue("https://dispatch.example");
    assertThat(allowed.headers().firstValue("access-control-allow-methods")).hasValueSatisfying(m -> assertThat(m).contains("POST"));
    assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
  }
}
