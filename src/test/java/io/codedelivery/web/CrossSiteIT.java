package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a page of another site can make a visitor's browser do here: nothing. Form-encodable bodies are refused
 * before they are read (415), and neither the REST writes nor any SockJS transport of the event-bus bridge
 * accept a request whose Origin is another site or {@code null} (403). The site's own pages, and clients
 * that send no Origin (curl, servers), go on working.
 */
class CrossSiteIT {
  private static final String FOREIGN = "https://attacker.example";
  private final TestStack stack = TestStack.shared();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private String ownOrigin() {
    return "http://localhost:" + stack.httpPort();
  }

  private HttpResponse<String> postDelivery(String contentType, String body, String origin) throws Exception {
    // As the admin's API client: the checks of the body and the Origin come after the sign-in check.
    HttpRequest.Builder request = stack.request("/api/deliveries")
        .timeout(Duration.ofSeconds(30))
        .header("content-type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (origin != null) {
      request.header("origin", origin);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private double faults(String kind) {
    var counter = stack.app().metrics().registry().find("codedelivery.client.faults").tag("kind", kind).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void bodiesAnHtmlFormCanSendAreRefusedWith415BeforeTheyAreRead() throws Exception {
    double before = faults("unsupported_media_type");
    String json = "{\"routeId\":\"1\"}";
    HttpResponse<String> textPlain = postDelivery("text/plain", json, FOREIGN);
    HttpResponse<String> urlEncoded = postDelivery("application/x-www-form-urlencoded", json + "=", FOREIGN);
    HttpResponse<String> multipart = postDelivery("multipart/form-data; boundary=x", "--x\r\n\r\n" + json + "\r\n--x--", FOREIGN);
    HttpResponse<String> sameSiteTextPlain = postDelivery("text/plain;charset=UTF-8", json, null);

    for (HttpResponse<String> response : java.util.List.of(textPlain, urlEncoded, multipart, sameSiteTextPlain)) {
      assertThat(response.statusCode()).as("%s", response.body()).isEqualTo(415);
      assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
      JsonObject error = new JsonObject(response.body());
      assertThat(error.getString("error")).isEqualTo("unsupported_media_type");
      assertThat(error.getString("message")).contains("Content-Type: application/json");
    }
    assertThat(faults("unsupported_media_type")).isEqualTo(before + 4);
  }

  @Test
  void jsonWithACharsetFromThisSiteOrFromNoPageIsAccepted() throws Exception {
    assertThat(postDelivery("application/json; charset=utf-8", "{\"routeId\":\"1\"}", null).statusCode()).isEqualTo(202);
    assertThat(postDelivery("application/json", "{\"routeId\":\"1\"}", ownOrigin()).statusCode()).isEqualTo(202);
  }

  @Test
  void jsonWritesFromAnotherSiteOrANullOriginAreRefusedWith403() throws Exception {
    double before = faults("foreign_origin");
    for (String origin : new String[] {FOREIGN, "null", "http://localhost:1"}) {
      HttpResponse<String> response = postDelivery("application/json", "{\"routeId\":\"1\"}", origin);
      assertThat(response.statusCode()).as("Origin %s: %s", origin, response.body()).isEqualTo(403);
      assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("forbidden");
    }
    assertThat(faults("foreign_origin")).isEqualTo(before + 3);
  }

  /** The status of a WebSocket handshake on the bridge: 101 when it opened. */
  private int handshakeStatus(String origin) throws Exception {
    URI uri = URI.create("ws://localhost:" + stack.httpPort() + "/eventbus/1/" + UUID.randomUUID().toString().substring(0, 8) + "/websocket");
    WebSocket.Builder handshake = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    if (origin != null) {
      handshake.header("Origin", origin);
    }
    try {
      handshake.buildAsync(uri, new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS).abort();
      return 101;
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
      return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
    }
  }

  @Test
  void bridgeWebSocketsOpenFromThisSiteOrNoPageAndNotFromAnotherSiteOrANullOrigin() throws Exception {
    assertThat(handshakeStatus(FOREIGN)).isEqualTo(403);
    assertThat(handshakeStatus("null")).isEqualTo(403);
    assertThat(handshakeStatus(ownOrigin())).isEqualTo(101);
    assertThat(handshakeStatus(null)).isEqualTo(101);
  }

  private HttpResponse<InputStream> sockJs(String method, String transport, String origin) throws Exception {
    String path = "/eventbus/1/" + UUID.randomUUID().toString().substring(0, 8) + "/" + transport;
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("[\"{}\"]"));
    if (origin != null) {
      request.header("origin", origin);
    }
    HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    // Streaming transports keep answering; the status is all these tests need.
    response.body().close();
    return response;
  }

  @Test
  void everyOtherBridgeTransportRefusesAnotherSite() throws Exception {
    assertThat(sockJs("POST", "xhr_streaming", FOREIGN).statusCode()).isEqualTo(403);
    assertThat(sockJs("POST", "xhr", FOREIGN).statusCode()).isEqualTo(403);
    assertThat(sockJs("POST", "xhr_send", FOREIGN).statusCode()).isEqualTo(403);
    assertThat(sockJs("GET", "eventsource", "null").statusCode()).isEqualTo(403);
    HttpResponse<String> info = http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/eventbus/info"))
        .header("origin", FOREIGN).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(info.statusCode()).isEqualTo(403);

    assertThat(sockJs("POST", "xhr_streaming", ownOrigin()).statusCode()).isEqualTo(200);
    assertThat(sockJs("GET", "eventsource", null).statusCode()).isEqualTo(200);
  }

  /** Script and iframe transports are loaded with no Origin at all, so any site could read the stream through them. */
  @Test
  void theJsonpAndHtmlfileTransportsAreNotOffered() throws Exception {
    assertThat(sockJs("GET", "jsonp?c=steal", null).statusCode()).isEqualTo(404);
    assertThat(sockJs("GET", "htmlfile?c=steal", null).statusCode()).isEqualTo(404);
  }
}
