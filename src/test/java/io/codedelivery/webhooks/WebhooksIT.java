package io.codedelivery.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.model.DeliveryEvent;
import io.codedelivery.model.LatLon;
import io.codedelivery.model.Topics;
import io.codedelivery.persistence.Store;
import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhooks end to end: delivery events produced on {@code delivery.events}, registered endpoints that are real HTTP
 * servers ({@link WebhookReceiver}), and what they receive — signed as the README tells receivers to verify, again
 * after an outage and a restart, not held up by a slow neighbour, never redirected, only what they subscribed to.
 * The stack allows private targets (the receivers are on 127.0.0.1) and retries at least every 2 s.
 */
class WebhooksIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String SECRET = "receiver-secret-0123456789";

  private static TestStack stack;
  private static KafkaProducer<String, String> producer;
  private final List<String> registered = new ArrayList<>();
  private final List<WebhookReceiver> receivers = new ArrayList<>();

  @BeforeAll
  static void startStack() {
    stack = TestStack.start(Map.of(Setting.WEBHOOK_ALLOW_PRIVATE, "true", Setting.WEBHOOK_RETRY_MAX_INTERVAL_SECONDS, "2"));
    producer = stack.kafkaProducer();
  }

  @AfterAll
  static void stopStack() {
    if (producer != null) {
      producer.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  /** Every test's webhooks go, so they receive nothing of the next test's events. */
  @AfterEach
  void removeWebhooks() {
    registered.forEach(id -> call(stack, "DELETE", "/api/webhooks/" + id, null));
    receivers.forEach(WebhookReceiver::close);
  }

  @Test
  void eachEventIsPostedSignedWithItsIdAndTheHeadersAReceiverChecks() {
    WebhookReceiver receiver = receiver();
    HttpResponse<String> created = call(stack, "POST", "/api/webhooks",
        new JsonObject().put("url", receiver.url("/hooks/code-delivery")).put("secret", SECRET).put("events", new JsonArray()).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject webhook = new JsonObject(created.body());
    registered.add(webhook.getString("id"));
    assertThat(webhook.fieldNames()).containsExactlyInAnyOrder("id", "url", "events", "enabled", "createdAt");
    assertThat(created.headers().firstValue("location")).hasValue("/api/webhooks/" + webhook.getString("id"));
    assertThat(call(stack, "GET", "/api/webhooks", null).body()).contains(webhook.getString("id")).doesNotContain(SECRET);

    Map<String, DeliveryEvent> events = produce(DeliveryEvent.Type.STARTED, DeliveryEvent.Type.ARRIVING, DeliveryEvent.Type.DELIVERED);

    await().atMost(WAIT).until(() -> receivedIds(receiver.accepted()).containsAll(events.keySet()));
    receiver.accepted().forEach(request -> assertSignedEvent(request, SECRET, events));
    assertThat(receiver.accepted().get(0).header("Host")).isEqualTo(receiver.url("").substring("http://".length()));
    JsonArray deliveries = await().atMost(WAIT).until(() -> deliveries(webhook.getString("id")),
        list -> list.size() == 3 && statuses(list).equals(Set.of("delivered")));
    for (JsonObject delivery : objects(deliveries)) {
      assertThat(events).containsKey(delivery.getString("eventId"));
      assertThat(delivery.getString("type")).isEqualTo(events.get(delivery.getString("eventId")).type().wireName());
      assertThat(objects(delivery.getJsonArray("attempts"))).singleElement()
          .satisfies(attempt -> assertThat(attempt.getInteger("status")).isEqualTo(200));
    }
  }

  @Test
  void aReceiverDownForAMinuteGetsEveryEventWhenItIsBackWithTheSameIds() {
    WebhookReceiver receiver = receiver();
    receiver.answer(WebhookReceiver.Answer.of(503));
    String id = register(receiver.url("/down-for-a-minute"));
    Map<String, DeliveryEvent> events = produce(DeliveryEvent.Type.STARTED, DeliveryEvent.Type.STALLED,
        DeliveryEvent.Type.RESUMED, DeliveryEvent.Type.DELIVERED);

    await().atMost(WAIT).until(() -> receivedIds(receiver.received()).containsAll(events.keySet()));
    Instant firstRefused = receiver.received().get(0).at();
    // Still being retried a minute after the first refusal: the outage is over once that has been seen.
    await().atMost(Duration.ofSeconds(90)).until(() -> receiver.received().stream()
        .anyMatch(request -> request.at().isAfter(firstRefused.plusSeconds(60))));
    receiver.answer(WebhookReceiver.Answer.of(200));

    await().atMost(WAIT).until(() -> receivedIds(receiver.accepted()).containsAll(events.keySet()));
    assertThat(receivedIds(receiver.received())).as("every attempt carried an event's own id").isEqualTo(events.keySet());
    receiver.accepted().forEach(request -> assertSignedEvent(request, SECRET, events));
    JsonArray deliveries = await().atMost(WAIT).until(() -> deliveries(id), list -> statuses(list).equals(Set.of("delivered")));
    assertThat(deliveries).hasSize(events.size());
    for (JsonObject delivery : objects(deliveries)) {
      List<JsonObject> attempts = objects(delivery.getJsonArray("attempts"));
      assertThat(attempts).hasSizeBetween(2, WebhookDelivery.KEPT_ATTEMPTS);
      assertThat(delivery.getInteger("attemptCount")).isGreaterThanOrEqualTo(attempts.size());
      assertThat(attempts.get(attempts.size() - 1).getInteger("status")).isEqualTo(200);
      assertThat(attempts.subList(0, attempts.size() - 1)).allSatisfy(attempt -> {
        assertThat(attempt.getInteger("status")).isEqualTo(503);
        assertThat(attempt.getString("at")).isNotBlank();
        assertThat(attempt.getLong("durationMs")).isNotNegative();
      });
    }
  }

  @Test
  void aRestartOfTheApplicationMidRetryStillDeliversEveryEvent() {
    WebhookReceiver receiver = receiver();
    receiver.answer(WebhookReceiver.Answer.of(503));
    register(receiver.url("/restart"));
    Map<String, DeliveryEvent> events = produce(DeliveryEvent.Type.STARTED, DeliveryEvent.Type.LATE, DeliveryEvent.Type.DELIVERED);
    await().atMost(WAIT).until(() -> receivedIds(receiver.received()).containsAll(events.keySet()));

    stack.restart();
    receiver.answer(WebhookReceiver.Answer.of(200));

    await().atMost(WAIT).until(() -> receivedIds(receiver.accepted()).containsAll(events.keySet()));
    receiver.accepted().forEach(request -> assertSignedEvent(request, SECRET, events));
  }

  @Test
  void anEndpointThatAnswersAfterEightSecondsDoesNotDelayAnother() {
    WebhookReceiver slow = receiver();
    slow.answer(new WebhookReceiver.Answer(200, Duration.ofSeconds(8), null));
    WebhookReceiver fast = receiver();
    register(slow.url("/slow"));
    register(fast.url("/fast"));
    // The pipeline is flowing (consumer assigned, dispatcher running) once the fast endpoint has had a first event.
    Map<String, DeliveryEvent> first = produce(DeliveryEvent.Type.STARTED);
    await().atMost(WAIT).until(() -> receivedIds(fast.accepted()).containsAll(first.keySet()));

    long producedAt = System.nanoTime();
    Map<String, DeliveryEvent> events = produce(DeliveryEvent.Type.values());
    await().atMost(Duration.ofSeconds(4)).until(() -> receivedIds(fast.accepted()).containsAll(events.keySet()));

    assertThat(Duration.ofNanos(System.nanoTime() - producedAt)).isLessThan(Duration.ofSeconds(4));
    assertThat(slow.received()).as("the slow endpoint has no more than its own share of requests in flight")
        .hasSizeLessThanOrEqualTo(WebhookDispatcher.PER_ENDPOINT);
  }

  @Test
  void aRedirectIsNotFollowedAndItsAttemptCountsAsFailed() {
    WebhookReceiver target = receiver();
    WebhookReceiver redirecting = receiver();
    redirecting.answer(new WebhookReceiver.Answer(302, Duration.ZERO, target.url("/redirect-target")));
    String id = register(redirecting.url("/moved"));
    produce(DeliveryEvent.Type.DELIVERED);

    JsonArray deliveries = await().atMost(WAIT).until(() -> deliveries(id), list -> list.size() == 1
        && !list.getJsonObject(0).getJsonArray("attempts").isEmpty());
    JsonObject delivery = deliveries.getJsonObject(0);
    assertThat(delivery.getString("status")).isEqualTo("pending");
    assertThat(delivery.getString("nextAttemptAt")).isNotBlank();
    JsonObject attempt = delivery.getJsonArray("attempts").getJsonObject(0);
    assertThat(attempt.getInteger("status")).isEqualTo(302);
    assertThat(attempt.getString("error")).contains("redirect", "not followed");
    assertThat(redirecting.received()).isNotEmpty();
    assertThat(target.received()).as("the redirect's target").isEmpty();
  }

  @Test
  void onlySubscribedTypesAreSentAndADisabledWebhookGetsNothing() {
    WebhookReceiver everything = receiver();
    WebhookReceiver deliveredOnly = receiver();
    WebhookReceiver disabled = receiver();
    register(everything.url("/all"));
    String deliveredOnlyId = register(deliveredOnly.url("/delivered"), "delivered");
    String disabledId = register(disabled.url("/off"));
    HttpResponse<String> off = call(stack, "PATCH", "/api/webhooks/" + disabledId, "{\"enabled\":false}");
    assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
    assertThat(new JsonObject(off.body()).getBoolean("enabled")).isFalse();

    Map<String, DeliveryEvent> events = produce(DeliveryEvent.Type.STARTED, DeliveryEvent.Type.OFF_ROUTE,
        DeliveryEvent.Type.BACK_ON_ROUTE, DeliveryEvent.Type.DELIVERED);
    await().atMost(WAIT).until(() -> receivedIds(everything.accepted()).containsAll(events.keySet()));
    // An event is queued for every webhook at once, before any is sent: what is queued now is all there will be.
    String delivered = events.values().stream().filter(e -> e.type() == DeliveryEvent.Type.DELIVERED).findFirst().orElseThrow().eventId();
    await().atMost(WAIT).until(() -> receivedIds(deliveredOnly.accepted()).contains(delivered));
    assertThat(objects(deliveries(deliveredOnlyId))).extracting(d -> d.getString("type")).containsExactly("delivered");
    assertThat(receivedIds(deliveredOnly.received())).containsExactly(delivered);
    assertThat(deliveries(disabledId)).isEmpty();
    assertThat(disabled.received()).isEmpty();
  }

  @Test
  void aDeliveryStillFailingWhenItsEventIsOlderThanTheRetryPeriodIsMarkedFailedAndNotTriedAgain() {
    WebhookReceiver receiver = receiver();
    receiver.answer(WebhookReceiver.Answer.of(500));
    String id = register(receiver.url("/given-up"));
    // webhook.retry.hours is 24: an event of 25 hours ago gets one attempt, and no other once that fails.
    produceAt(Instant.now().minus(Duration.ofHours(25)), DeliveryEvent.Type.LATE);

    JsonObject delivery = await().atMost(WAIT).until(() -> deliveries(id), list -> statuses(list).equals(Set.of("failed")))
        .getJsonObject(0);
    assertThat(delivery.getInteger("attemptCount")).isEqualTo(1);
    assertThat(delivery.containsKey("nextAttemptAt")).isFalse();
    assertThat(delivery.getJsonArray("attempts").getJsonObject(0).getInteger("status")).isEqualTo(500);
    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> receiver.received().size() == 1);
  }

  @Test
  void deletingAWebhookStopsItsPendingDeliveries() {
    WebhookReceiver receiver = receiver();
    receiver.answer(WebhookReceiver.Answer.of(503));
    String id = register(receiver.url("/doomed"));
    Map<String, DeliveryEvent> events = produce(DeliveryEvent.Type.STARTED);
    await().atMost(WAIT).until(() -> receivedIds(receiver.received()).containsAll(events.keySet()));

    assertThat(call(stack, "DELETE", "/api/webhooks/" + id, null).statusCode()).isEqualTo(204);
    registered.remove(id);
    int sent = receiver.received().size();
    assertThat(call(stack, "GET", "/api/webhooks/" + id + "/deliveries", null).statusCode()).isEqualTo(404);
    // Retries came at least every 2 s; an attempt already under way may still arrive, nothing after it.
    await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8)).until(() -> receiver.received().size() <= sent + 1);
  }

  @Test
  void registrationsThatCannotBeUsedAreRefusedAndUnknownWebhooksAreNotFound() {
    String url = "http://127.0.0.1:9/hook";
    assertRefused(stack, "{\"url\":", "JSON object");
    assertRefused(stack, new JsonObject().put("url", url).put("secret", "too-short").encode(), "'secret'");
    assertRefused(stack, new JsonObject().put("url", url).put("secret", SECRET).put("events", new JsonArray().add("teleported")).encode(),
        "off_route");
    assertRefused(stack, new JsonObject().put("url", "ftp://127.0.0.1/hook").put("secret", SECRET).encode(), "http or https");
    String unknown = UUID.randomUUID().toString();
    assertThat(call(stack, "GET", "/api/webhooks/" + unknown + "/deliveries", null).statusCode()).isEqualTo(404);
    assertThat(call(stack, "PATCH", "/api/webhooks/" + unknown, "{\"enabled\":true}").statusCode()).isEqualTo(404);
    assertThat(call(stack, "DELETE", "/api/webhooks/" + unknown, null).statusCode()).isEqualTo(404);
    assertThat(call(stack, "DELETE", "/api/webhooks/not-an-id", null).statusCode()).isEqualTo(404);
  }

  /** On a stack with webhook.allow.private off, as in production. */
  @Test
  void targetsOnLoopbackPrivateOrLinkLocalAddressesAreRefused() {
    TestStack production = TestStack.shared();
    for (String target : List.of("http://127.0.0.1:" + stack.httpPort() + "/hook", "http://10.0.0.1/", "http://169.254.169.254/",
        "http://localhost:8080/", "http://192.168.1.20/hook", "http://[::1]/hook", "http://100.64.1.1/")) {
      HttpResponse<String> refused = assertRefused(production,
          new JsonObject().put("url", target).put("secret", SECRET).encode(), "webhook.allow.private");
      assertThat(refused.body()).as(target).contains("resolves to");
    }
    // A documentation address (192.0.2.0/24): public as far as the guard can tell, and never routed, so nothing is sent.
    HttpResponse<String> accepted = call(production, "POST", "/api/webhooks",
        new JsonObject().put("url", "https://192.0.2.10/hook").put("secret", SECRET).encode());
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
    assertThat(call(production, "DELETE", "/api/webhooks/" + new JsonObject(accepted.body()).getString("id"), null).statusCode())
        .isEqualTo(204);
  }

  /**
   * A webhook registered while its host resolved to a public address, whose name now resolves to loopback (DNS
   * rebinding): stored directly, as the API would have stored it before the change, on a stack without
   * webhook.allow.private. Each attempt is refused before any request, and the refusal is its recorded answer.
   */
  @Test
  void anAttemptToATargetThatNowResolvesPrivateIsRefusedAndRecorded() {
    TestStack production = TestStack.shared();
    WebhookReceiver receiver = receiver();
    String id = UUID.randomUUID().toString();
    StoreProbe.await(new StoreProbe(production.app()).mongo().insert(Store.WEBHOOKS, new JsonObject().put("_id", id)
        .put("url", receiver.url("/rebound")).put("secret", SECRET).put("events", new JsonArray()).put("enabled", true)
        .put("createdAt", Store.date(Instant.now()))));
    try {
      String deliveryId = UUID.randomUUID().toString();
      DeliveryEvent event = new DeliveryEvent(DeliveryEvent.idOf(deliveryId, DeliveryEvent.Type.STARTED, 1), deliveryId,
          DeliveryEvent.Type.STARTED, Instant.now().truncatedTo(ChronoUnit.MILLIS), null, null);
      try (KafkaProducer<String, String> productionProducer = production.kafkaProducer()) {
        productionProducer.send(new ProducerRecord<>(Topics.DELIVERY_EVENTS, deliveryId, event.toJson().encode())).get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("event not produced", e);
      }

      JsonArray deliveries = await().atMost(WAIT).until(() -> new JsonArray(call(production, "GET", "/api/webhooks/" + id + "/deliveries", null).body()),
          list -> list.size() == 1 && !list.getJsonObject(0).getJsonArray("attempts").isEmpty());
      JsonObject attempt = deliveries.getJsonObject(0).getJsonArray("attempts").getJsonObject(0);
      assertThat(attempt.containsKey("status")).isFalse();
      assertThat(attempt.getString("error")).contains("resolves to 127.0.0.1", "loopback");
      assertThat(deliveries.getJsonObject(0).getString("status")).isEqualTo("pending");
      assertThat(receiver.received()).isEmpty();
    } finally {
      call(production, "DELETE", "/api/webhooks/" + id, null);
    }
  }

  private WebhookReceiver receiver() {
    WebhookReceiver receiver = new WebhookReceiver();
    receivers.add(receiver);
    return receiver;
  }

  private String register(String url, String... events) {
    HttpResponse<String> created = call(stack, "POST", "/api/webhooks", new JsonObject().put("url", url).put("secret", SECRET)
        .put("events", new JsonArray(Arrays.asList((Object[]) events))).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = new JsonObject(created.body()).getString("id");
    registered.add(id);
    return id;
  }

  /** Events of a new delivery, one of each type given, produced as the events stage would; by event id. */
  private static Map<String, DeliveryEvent> produce(DeliveryEvent.Type... types) {
    return produceAt(Instant.now(), types);
  }

  /** {@link #produce} with events that happened at the given time. */
  private static Map<String, DeliveryEvent> produceAt(Instant at, DeliveryEvent.Type... types) {
    String deliveryId = UUID.randomUUID().toString();
    Map<String, DeliveryEvent> events = new LinkedHashMap<>();
    for (int seq = 0; seq < types.length; seq++) {
      DeliveryEvent event = new DeliveryEvent(DeliveryEvent.idOf(deliveryId, types[seq], seq + 1L), deliveryId, types[seq],
          at.truncatedTo(ChronoUnit.MILLIS), new LatLon(-15.79, -47.88), new JsonObject().put("seq", seq + 1));
      events.put(event.eventId(), event);
      try {
        producer.send(new ProducerRecord<>(Topics.DELIVERY_EVENTS, deliveryId, event.toJson().encode())).get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("event not produced", e);
      }
    }
    return events;
  }

  /**
   * What a receiver checks, done as the README shows it: the HMAC of {@code timestamp.body} with the secret, a recent
   * timestamp, the id header matching the body; and the body is the event as produced.
   */
  private static void assertSignedEvent(WebhookReceiver.Received request, String secret, Map<String, DeliveryEvent> events) {
    String timestamp = request.header("X-CodeDelivery-Timestamp");
    assertThat(Long.parseLong(timestamp)).isCloseTo(Instant.now().getEpochSecond(), within(300L));
    assertThat(request.header("X-CodeDelivery-Signature")).isEqualTo("sha256=" + hmacSha256Hex(secret, timestamp + ".", request.body()));
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    assertThat(request.header("User-Agent")).isEqualTo("code-delivery-webhooks");
    JsonObject body = new JsonObject(request.bodyText());
    assertThat(request.header("X-CodeDelivery-Event-Id")).isEqualTo(body.getString("eventId"));
    assertThat(events).containsKey(body.getString("eventId"));
    assertThat(body).isEqualTo(events.get(body.getString("eventId")).toJson());
  }

  private static String hmacSha256Hex(String secret, String prefix, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(prefix.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<String> receivedIds(List<WebhookReceiver.Received> requests) {
    return requests.stream().map(request -> request.header("X-CodeDelivery-Event-Id")).collect(Collectors.toSet());
  }

  private static JsonArray deliveries(String webhookId) {
    HttpResponse<String> answer = call(stack, "GET", "/api/webhooks/" + webhookId + "/deliveries", null);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return new JsonArray(answer.body());
  }

  private static Set<String> statuses(JsonArray deliveries) {
    return objects(deliveries).stream().map(delivery -> delivery.getString("status")).collect(Collectors.toSet());
  }

  private static List<JsonObject> objects(JsonArray array) {
    return array.stream().map(JsonObject.class::cast).toList();
  }

  private static HttpResponse<String> assertRefused(TestStack on, String body, String because) {
    HttpResponse<String> refused = call(on, "POST", "/api/webhooks", body);
    assertThat(refused.statusCode()).as(body + " → " + refused.body()).isEqualTo(400);
    assertThat(new JsonObject(refused.body()).getString("message")).as(body).contains(because);
    return refused;
  }

  /** A call as the stack's admin; a body is sent as JSON. */
  private static HttpResponse<String> call(TestStack on, String method, String path, String body) {
    HttpRequest.Builder request = on.request(path);
    if (body != null) {
      request.header("content-type", "application/json");
    }
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
