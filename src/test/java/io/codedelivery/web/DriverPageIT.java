package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The driver page at {@code /driver} through a real HTTP client: served with the map page's strict headers, except
 * that it alone may ask for the location and post fixes to the ingestion role on the page's own host; and the
 * settings it reads tell it where that role is.
 */
class DriverPageIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final TestStack stack = TestStack.shared();
  private final HttpClient http = HttpClient.newHttpClient();

  /** As a signed-in operator: the pages need a session. */
  private HttpResponse<String> get(String path) throws Exception {
    return send(stack.request(path));
  }

  /** With no credentials, as a browser that never signed in loads the page's scripts, styles and settings. */
  private HttpResponse<String> getOpen(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + path)));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse("");
  }

  @Test
  void theDriverPageIsServedWithItsScriptsUnderAStrictPolicyThatAllowsLocationAndTheIngestionPort() throws Exception {
    HttpResponse<String> page = get("/driver");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(header(page, "content-type")).startsWith("text/html");
    assertThat(page.body()).contains("id=\"device-id\"", "id=\"start-tracking\"", "id=\"queue-length\"", "id=\"delivered\"",
        "<script type=\"module\" src=\"driver.js\">");
    assertThat(header(page, "content-security-policy"))
        .contains("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "frame-ancestors 'none'",
            "connect-src 'self' localhost:" + ingestPort() + ";")
        .doesNotContain("unsafe-inline", "unsafe-eval", "*:");
    assertThat(header(page, "permissions-policy")).contains("geolocation=(self)", "camera=()", "microphone=()");
    assertThat(header(page, "x-frame-options")).isEqualTo("DENY");
    assertThat(header(page, "x-content-type-options")).isEqualTo("nosniff");
    assertThat(header(page, "referrer-policy")).isEqualTo("no-referrer");
    // Cached like the map page: kept, but revalidated by its ETag on every load, so a deploy reaches drivers at once.
    assertThat(header(page, "cache-control")).isEqualTo(header(get("/"), "cache-control")).isEqualTo("no-cache");
    assertThat(header(page, "etag")).startsWith("W/\"");
  }

  @Test
  void theMapPageStillMayNotAskForTheLocationNorConnectElsewhere() throws Exception {
    HttpResponse<String> mapPage = get("/");

    assertThat(header(mapPage, "permissions-policy")).contains("geolocation=()");
    assertThat(header(mapPage, "content-security-policy")).contains("connect-src 'self';")
        .doesNotContain(":" + ingestPort());
  }

  @Test
  void theDriverPageModulesAreServedAsJavaScript() throws Exception {
    for (String module : new String[] {"/driver.js", "/driver-api.js", "/driver-queue.js", "/driver-fix.js", "/driver-delivery.js",
        "/driver-map.js", "/distance.js", "/format.js"}) {
      HttpResponse<String> script = getOpen(module);
      assertThat(script.statusCode()).as(module).isEqualTo(200);
      assertThat(header(script, "content-type")).as(module).startsWith("text/javascript");
    }
    assertThat(header(getOpen("/driver.css"), "content-type")).startsWith("text/css");
  }

  @Test
  void theSettingsTellTheDriverPageWhereToPostFixes() throws Exception {
    JsonObject config = new JsonObject(getOpen("/api/config").body());

    assertThat(config.getString("ingestUrl")).as("blank: the page's own host").isEmpty();
    assertThat(config.getInteger("ingestPort")).isEqualTo(ingestPort());
  }

  private int ingestPort() {
    return stack.app().config().ingestPort();
  }
}
