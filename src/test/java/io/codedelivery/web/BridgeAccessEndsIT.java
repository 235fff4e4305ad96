package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.model.Addresses;
import io.codedelivery.support.SockJsClient;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Access on the bridge is not only decided when a browser registers: a connection already listening loses its
 * messages when its operator signs out or its customer's link is withdrawn, and a customer's page is never shown
 * the vehicle's ids.
 */
class BridgeAccessEndsIT {
  /** Slow enough that a delivery runs for the whole test (a route has well over 100 points). */
  private static final String INTERVAL_MS = "200";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static TestStack stack;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    stack = TestStack.start(Map.of(Setting.SIMULATION_INTERVAL_MS, INTERVAL_MS));
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  private JsonObject post(String path, String token) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(java.net.URI.create(stack.baseUrl() + path))
        .header("authorization", "Bearer " + token).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"routeId\":\"1\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    return new JsonObject(response.body());
  }

  @Test
  void aSignedOutOperatorsConnectionIsClosedWhileItListens() throws Exception {
    String token = stack.tokenOfNewUser("leaving-viewer", "viewer");
    try (SockJsClient browser = SockJsClient.connect(stack.app().vertx(), stack.httpPort()).authorizedAs(token)) {
      browser.register(Addresses.DELIVERY_UPDATES);
      post("/api/deliveries", stack.adminToken());
      await().atMost(WAIT).until(() -> !browser.messagesTo(Addresses.DELIVERY_UPDATES).isEmpty());

      HttpResponse<Void> signedOut = http.send(HttpRequest.newBuilder(java.net.URI.create(stack.baseUrl() + "/api/session"))
          .header("authorization", "Bearer " + token).DELETE().build(), HttpResponse.BodyHandlers.discarding());
      assertThat(signedOut.statusCode()).isEqualTo(204);

      await().atMost(WAIT).until(browser::isClosedByServer);
      assertThat(browser.closeFrame().getInteger(0)).isEqualTo(SockJsBridge.CLOSE_ACCESS_ENDED);
    }
  }

  @Test
  void aCustomersPageSeesNoVehicleIdsAndIsClosedWhenItsLinkIsWithdrawn() throws Exception {
    JsonObject started = post("/api/deliveries", stack.adminToken());
    String id = started.getString("deliveryId");
    String linkToken = started.getString("trackingUrl").substring("/track/".length());
    try (SockJsClient customer = SockJsClient.connect(stack.app().vertx(), stack.httpPort()).authorizedAs(linkToken)) {
      customer.register(Addresses.delivery(id));
      await().atMost(WAIT).until(() -> customer.messagesTo(Addresses.delivery(id)).size() >= 3);
      assertThat(customer.messagesTo(Addresses.delivery(id)))
          .allSatisfy(message -> assertThat(message.getJsonObject("body").fieldNames()).doesNotContain("clientId", "deviceId")
              .contains("seq", "position"));

      post("/api/deliveries/" + id + "/tracking-link/revoke", stack.adminToken());

      await().atMost(WAIT).until(customer::isClosedByServer);
      assertThat(customer.closeFrame().getInteger(0)).isEqualTo(SockJsBridge.CLOSE_ACCESS_ENDED);
    }
  }
}
