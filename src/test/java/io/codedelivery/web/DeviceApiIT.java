package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** /api/devices through a real HTTP client against the running server. */
class DeviceApiIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final TestStack stack = TestStack.shared();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private HttpResponse<String> send(String method, String path, String json) throws Exception {
    HttpRequest.Builder request = stack.request(path).timeout(TIMEOUT)
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("content-type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> register(String uniqueId, String name) throws Exception {
    return send("POST", "/api/devices", new JsonObject().put("uniqueId", uniqueId).put("name", name).encode());
  }

  private static String newId() {
    return "imei:35" + UUID.randomUUID().toString().replace("-", "").substring(0, 13);
  }

  private static void assertError(HttpResponse<String> response, int status, String messagePart) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(new JsonObject(response.body()).getString("message")).contains(messagePart);
  }

  @Test
  void aRegisteredDeviceIsListedReadAndRemovedAndOfflineUntilItSendsAFix() throws Exception {
    String id = newId();
    HttpResponse<String> created = register(id, "  Van 7 ");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("location")).hasValue("/api/devices/" + id);
    JsonObject device = new JsonObject(created.body());
    assertThat(device.getString("uniqueId")).isEqualTo(id);
    assertThat(device.getString("name")).isEqualTo("Van 7");
    assertThat(device.getString("createdAt")).isNotBlank();
    assertThat(device.getValue("lastFix")).isNull();
    assertThat(device.getBoolean("online")).isFalse();

    JsonObject one = new JsonObject(send("GET", "/api/devices/" + id, null).body());
    assertThat(one.getString("name")).isEqualTo("Van 7");

    JsonArray listed = new JsonObject(send("GET", "/api/devices?limit=1000", null).body()).getJsonArray("items");
    assertThat(listed.stream().map(o -> ((JsonObject) o).getString("uniqueId"))).contains(id);

    assertError(register(id, "Another"), 409, "registered already");

    assertThat(send("DELETE", "/api/devices/" + id, null).statusCode()).isEqualTo(204);
    assertError(send("GET", "/api/devices/" + id, null), 404, "no device");
    assertError(send("DELETE", "/api/devices/" + id, null), 404, "no device");
  }

  @Test
  void pagesFollowUniqueIdOrder() throws Exception {
    String prefix = "page-" + UUID.randomUUID().toString().substring(0, 6);
    for (String suffix : new String[] {"c", "a", "b"}) {
      assertThat(register(prefix + "-" + suffix, suffix).statusCode()).isEqualTo(201);
    }
    JsonObject first = new JsonObject(send("GET", "/api/devices?limit=1&after=" + prefix, null).body());
    assertThat(first.getJsonArray("items").getJsonObject(0).getString("uniqueId")).isEqualTo(prefix + "-a");
    JsonObject second = new JsonObject(send("GET", "/api/devices?limit=2&after=" + first.getString("next"), null).body());
    assertThat(second.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("uniqueId")))
        .containsExactly(prefix + "-b", prefix + "-c");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "with space", "slash/es", "quote\"", "0123456789012345678901234567890123456789012345678901234567890123456789"})
  void aUniqueIdPhonesCannotHaveIsRefusedWithTheRule(String uniqueId) throws Exception {
    assertError(register(uniqueId, "x"), 400, "1-64 letters, digits");
  }

  @Test
  void aMissingNameOrBodyIsRefusedAndForeignPagesCannotRegister() throws Exception {
    assertError(send("POST", "/api/devices", "{\"uniqueId\":\"" + newId() + "\"}"), 400, "'name'");
    assertError(send("POST", "/api/devices", "[1]"), 400, "JSON object");
    HttpResponse<String> foreign = http.send(stack.request("/api/devices").timeout(TIMEOUT)
        .header("content-type", "application/json").header("origin", "https://evil.example")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("uniqueId", newId()).put("name", "x").encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(foreign.statusCode()).isEqualTo(403);
  }
}
