package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.model.Addresses;
import io.codedelivery.support.SockJsClient;
import io.codedelivery.support.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SockJS event-bus bridge through a real WebSocket client speaking SockJS frames, as browsers do. */
class SockJsBridgeIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final TestStack stack = TestStack.shared();
  private final Vertx vertx = stack.app().vertx();
  private SockJsClient client;

  @BeforeEach
  void connect() throws Exception {
    client = signedInBrowser();
  }

  /** A browser of a signed-in operator (the admin): its frames carry the session token. */
  private SockJsClient signedInBrowser() throws Exception {
    return SockJsClient.connect(vertx, stack.httpPort()).authorizedAs(stack.adminToken());
  }

  @AfterEach
  void disconnect() {
    client.close();
  }

  private JsonObject replyTo(SockJsClient on, String replyAddress) {
    await().atMost(WAIT).until(() -> !on.messagesTo(replyAddress).isEmpty());
    return on.messagesTo(replyAddress).get(0);
  }

  private String startDelivery(SockJsClient on, String routeId) {
    JsonObject reply = replyTo(on, on.send(Addresses.START_DELIVERY, new JsonObject().put("routeId", routeId)));
    assertThat(reply.getString("type")).as("reply %s", reply).isEqualTo("rec");
    return reply.getJsonObject("body").getString("deliveryId");
  }

  @Test
  void aRegisteredBrowserReceivesThePositionsOfItsDeliveryToTheEnd() {
    startAndWatchToTheEnd(client);
  }

  /** A browser behind a proxy that blocks WebSocket: sockjs-client's xhr-streaming, frames sent with xhr_send. */
  @Test
  void withoutWebSocketABrowserStartsAndWatchesADeliveryOverXhrStreaming() throws Exception {
    try (SockJsClient xhr = SockJsClient.connectXhrStreaming(vertx, stack.httpPort()).authorizedAs(stack.adminToken())) {
      startAndWatchToTheEnd(xhr);
      assertThat(xhr.isClosedByServer()).isFalse();
    }
  }

  private void startAndWatchToTheEnd(SockJsClient on) {
    String id = startDelivery(on, "2");
    on.register(Addresses.delivery(id));

    await().atMost(WAIT).until(() -> on.messagesTo(Addresses.delivery(id)).stream()
        .anyMatch(m -> m.getJsonObject("body").getBoolean("finished")));

    List<Long> seqs = on.messagesTo(Addresses.delivery(id)).stream().map(m -> m.getJsonObject("body").getLong("seq")).toList();
    long first = seqs.get(0);
    assertThat(seqs).as("contiguous, in order, up to the route's last point").hasSizeGreaterThan(50);
    for (int i = 0; i < seqs.size(); i++) {
      assertThat(seqs.get(i)).isEqualTo(first + i);
    }
    assertThat(seqs.get(seqs.size() - 1)).isEqualTo(stack.app().routes().find("2").orElseThrow().points().size() - 1);
  }

  /**
   * Clients that reset their connections, send broken xhr_send frames or frames of an unknown type: each is
   * counted, and none writes an ERROR line (any client could flood the log with them).
   */
  @Test
  void clientFaultsAreCountedAndNotLoggedAsErrors() throws Exception {
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log = new ch.qos.logback.core.read.ListAppender<>();
    log.start();
    root.addAppender(log);
    try {
      double socketErrors = faults("socket_error");
      for (int i = 0; i < 3; i++) {
        resetAfterHandshake();
      }
      client.sendRaw(new JsonObject().put("type", "shout").put("address", Addresses.START_DELIVERY));
      try (SockJsClient xhr = SockJsClient.connectXhrStreaming(vertx, stack.httpPort()).authorizedAs(stack.adminToken())) {
        java.net.http.HttpResponse<String> broken = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
            .newBuilder(java.net.URI.create(stack.baseUrl() + xhr.sessionPath() + "/xhr_send"))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("[not json")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(broken.statusCode()).isEqualTo(500);
      }

      await().atMost(WAIT).until(() -> faults("socket_error") >= socketErrors + 3);
      await().atMost(WAIT).until(() -> client.errors().stream().anyMatch(e -> "invalid_type".equals(e.getString("body"))));
      assertThat(log.list).as("log lines at ERROR").noneMatch(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR));
    } finally {
      root.detachAppender(log);
    }
  }

  private double faults(String kind) {
    var counter = stack.app().metrics().registry().find("codedelivery.client.faults").tag("kind", kind).counter();
    return counter == null ? 0 : counter.count();
  }

  /** Opens a bridge WebSocket by hand, then drops the TCP connection with a reset, as a crashing client or proxy does. */
  private void resetAfterHandshake() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("localhost", stack.httpPort())) {
      String path = "/eventbus/1/" + java.util.UUID.randomUUID().toString().substring(0, 8) + "/websocket";
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost:" + stack.httpPort()
          + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
      assertThat(in.readLine()).contains("101");
      // Wait for the SockJS open frame, so the bridge knows the connection before it breaks.
      while (!in.readLine().isEmpty()) {
        // response headers
      }
      assertThat(socket.getInputStream().read()).as("first byte of the open frame").isNotNegative();
      socket.setSoLinger(true, 0);
    }
  }

  @Test
  void framesWithMalformedHeadersAreAnsweredWith400AndTheConnectionGoesOn() {
    List<Object> malformed = List.of(5, "Bearer abc", new JsonObject().put("authorization", 5), new io.vertx.core.json.JsonArray().add("x"));
    List<String> replyAddresses = new java.util.ArrayList<>();
    for (Object headers : malformed) {
      String replyAddress = java.util.UUID.randomUUID().toString();
      replyAddresses.add(replyAddress);
      client.sendRaw(new JsonObject().put("type", "send").put("address", Addresses.START_DELIVERY)
          .put("body", new JsonObject().put("routeId", "1")).put("headers", headers).put("replyAddress", replyAddress));
    }
    client.sendRaw(new JsonObject().put("type", "register").put("address", Addresses.DELIVERY_UPDATES).put("headers", "x"));

    for (String replyAddress : replyAddresses) {
      JsonObject reply = replyTo(client, replyAddress);
      assertThat(reply.getString("type")).as("reply %s", reply).isEqualTo("err");
      assertThat(reply.getInteger("failureCode")).as("reply %s", reply).isEqualTo(400);
      assertThat(reply.getString("message")).contains("'headers' must be a JSON object");
    }
    await().atMost(WAIT).until(() -> client.errors().stream()
        .anyMatch(e -> e.getString("address") == null && e.getInteger("failureCode", 0) == 400));
    assertThat(startDelivery(client, "1")).as("well-formed frames still work").isNotBlank();
  }

  /** Browsers watching the same delivery share one encoding of each position; none may get another's. */
  @Test
  void browsersWatchingTwoDeliveriesEachGetExactlyTheirDeliverysPositions() throws Exception {
    String first = startDelivery(client, "2");
    String second = startDelivery(client, "2");
    List<String> watched = List.of(first, second, first, second);
    List<SockJsClient> watchers = List.of(signedInBrowser(), signedInBrowser(), signedInBrowser(), signedInBrowser());
    try {
      for (int i = 0; i < watchers.size(); i++) {
        watchers.get(i).register(Addresses.delivery(watched.get(i)));
      }
      await().atMost(WAIT).until(() -> watchers.stream().allMatch(w -> w.received.stream()
          .anyMatch(m -> m.getJsonObject("body") != null && m.getJsonObject("body").getBoolean("finished", false))));

      for (int i = 0; i < watchers.size(); i++) {
        String id = watched.get(i);
        assertThat(watchers.get(i).received).as("watcher %d: only its delivery's address", i)
            .allMatch(m -> Addresses.delivery(id).equals(m.getString("address")));
        List<JsonObject> bodies = watchers.get(i).messagesTo(Addresses.delivery(id)).stream().map(m -> m.getJsonObject("body")).toList();
        assertThat(bodies).as("watcher %d", i).isNotEmpty().allMatch(body -> body.getString("deliveryId").equals(id));
        List<Long> seqs = bodies.stream().map(body -> body.getLong("seq")).toList();
        assertThat(seqs).as("watcher %d: contiguous seqs", i)
            .isEqualTo(LongStream.rangeClosed(seqs.get(0), seqs.get(seqs.size() - 1)).boxed().toList());
      }
    } finally {
      watchers.forEach(SockJsClient::close);
    }
  }

  @Test
  void aStartForAnUnknownRouteFailsWith404AndSaysWhichRoutesExist() {
    JsonObject reply = replyTo(client, client.send(Addresses.START_DELIVERY, new JsonObject().put("routeId", "42")));

    assertThat(reply.getString("type")).isEqualTo("err");
    assertThat(reply.getInteger("failureCode")).isEqualTo(404);
    assertThat(reply.getString("message")).contains("unknown route '42'").contains("1, 2, 3");
  }

  @Test
  void aMissingOrNonStringRouteIdFailsWith400() {
    JsonObject missing = replyTo(client, client.send(Addresses.START_DELIVERY, new JsonObject()));
    JsonObject number = replyTo(client, client.send(Addresses.START_DELIVERY, new JsonObject().put("routeId", 1)));
    JsonObject notAnObject = replyTo(client, client.send(Addresses.START_DELIVERY, "route 1 please"));

    for (JsonObject reply : List.of(missing, number, notAnObject)) {
      assertThat(reply.getString("type")).isEqualTo("err");
      assertThat(reply.getInteger("failureCode")).as("reply %s", reply).isEqualTo(400);
    }
    assertThat(missing.getString("message")).contains("'routeId' is required");
    assertThat(notAnObject.getString("message")).contains("JSON object");
  }

  @Test
  void aBodyOverTheLimitIsRefusedWith413() {
    String huge = "x".repeat(stack.app().config().bridgeMaxBodyBytes() + 1);
    JsonObject reply = replyTo(client, client.send(Addresses.START_DELIVERY, new JsonObject().put("routeId", huge)));

    assertThat(reply.getString("type")).isEqualTo("err");
    assertThat(reply.getInteger("failureCode")).isEqualTo(413);
    assertThat(reply.getString("message")).contains("larger than " + stack.app().config().bridgeMaxBodyBytes() + " bytes");
  }

  @Test
  void sendsToUnpermittedAddressesAndPublishesToDeliveriesAreDenied() {
    client.send("deliveries.admin", new JsonObject());
    client.publish("delivery.00000000-0000-0000-0000-000000000000", new JsonObject().put("seq", 999));
    client.publish(Addresses.DELIVERY_UPDATES, new JsonObject().put("type", "finished"));

    await().atMost(WAIT).until(() -> client.errors().size() >= 3);
    assertThat(client.errors()).allSatisfy(e -> assertThat(e.getString("body")).isEqualTo("access_denied"));
  }

  @Test
  void listeningToUnpermittedAddressesIsDenied() {
    client.register(Addresses.START_DELIVERY);
    client.register("delivery.not-a-uuid");

    await().atMost(WAIT).until(() -> client.errors().size() >= 2);
    assertThat(client.errors()).allSatisfy(e -> assertThat(e.getString("body")).isEqualTo("access_denied"));
  }

  @Test
  void afterRefusalsTheBridgeKeepsServingThisAndOtherClients() throws Exception {
    client.send("deliveries.admin", new JsonObject());
    replyTo(client, client.send(Addresses.START_DELIVERY, new JsonObject().put("routeId", "x".repeat(10_000))));
    await().atMost(WAIT).until(() -> !client.errors().isEmpty());

    try (SockJsClient other = signedInBrowser()) {
      assertThat(startDelivery(other, "3")).isNotBlank();
    }
    assertThat(startDelivery(client, "1")).isNotBlank();
    assertThat(client.isClosedByServer()).isFalse();
  }

  @Test
  void overLongAddressesAndTooManyRegistrationsAreRefused() {
    client.register("delivery." + "0".repeat(100));
    int limit = stack.app().config().bridgeMaxRegistrations();
    for (int i = 0; i <= limit; i++) {
      client.register(Addresses.delivery(String.format("00000000-0000-4000-8000-%012d", i)));
    }

    await().atMost(WAIT).until(() -> client.errors().size() >= 2);
    assertThat(client.errors()).extracting(e -> e.getString("body"))
        .containsExactlyInAnyOrder("max_address_length_reached", "max_handlers_reached");
  }

  @Test
  void aBurstOfStartRequestsFromOneConnectionIsRateLimitedWith429() throws Exception {
    int allowed = stack.app().config().bridgeMaxStartsPerMinute();
    List<String> replies = new java.util.ArrayList<>();
    for (int i = 0; i < allowed + 5; i++) {
      replies.add(client.send(Addresses.START_DELIVERY, new JsonObject().put("routeId", "999")));
    }

    List<JsonObject> answers = replies.stream().map(r -> replyTo(client, r)).toList();
    assertThat(answers).filteredOn(a -> a.getInteger("failureCode") == 404).hasSize(allowed);
    assertThat(answers).filteredOn(a -> a.getInteger("failureCode") == 429).hasSize(5)
        .allSatisfy(a -> assertThat(a.getString("message")).contains("too many start requests"));
    try (SockJsClient other = signedInBrowser()) {
      assertThat(startDelivery(other, "1")).as("other connections are not limited").isNotBlank();
    }
  }

  @Test
  void lifecycleUpdatesReachListenersOfDeliveriesUpdates() {
    client.register(Addresses.DELIVERY_UPDATES);
    String id = startDelivery(client, "2");

    await().atMost(WAIT).until(() -> updateOf(id, "finished").isPresent());
    assertThat(updateOf(id, "started")).isPresent();
  }

  private Optional<JsonObject> updateOf(String id, String type) {
    return client.messagesTo(Addresses.DELIVERY_UPDATES).stream().map(m -> m.getJsonObject("body"))
        .filter(b -> id.equals(b.getString("deliveryId")) && type.equals(b.getString("type"))).findFirst();
  }
}
