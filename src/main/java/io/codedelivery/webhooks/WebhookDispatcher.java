package io.codedelivery.webhooks;

import io.codedelivery.metrics.PipelineMetrics;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.codec.BodyCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the queued deliveries. Each {@link #dispatch() round} asks the store for due deliveries of the enabled
 * webhooks that have room, claims each with a lease and starts its POST without waiting for any answer: at most
 * {@link #PER_ENDPOINT} requests in flight per webhook and {@link #OVERALL} in all, so a slow or dead endpoint uses
 * up its own share and never the others'. Runs on its verticle's event loop; all its counts are that thread's.
 */
final class WebhookDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
  static final int PER_ENDPOINT = 4;
  static final int OVERALL = 64;
  static final String USER_AGENT = "code-delivery-webhooks";
  /** A lease outlives its attempt by this much: the attempt's answer is saved before another dispatcher may take it. */
  private static final long LEASE_MARGIN_MS = 5_000;

  private final WebhookStore store;
  private final TargetGuard guard;
  private final WebClient client;
  private final RetryPolicy retries;
  private final PipelineMetrics metrics;
  private final long timeoutMs;
  private final Map<String, Integer> inFlight = new HashMap<>();
  private int inFlightTotal;
  private boolean looking;

  WebhookDispatcher(WebhookStore store, TargetGuard guard, WebClient client, RetryPolicy retries, PipelineMetrics metrics,
                    Duration timeout) {
    this.store = store;
    this.guard = guard;
    this.client = client;
    this.retries = retries;
    this.metrics = metrics;
    this.timeoutMs = timeout.toMillis();
  }

  /** One round: starts what is due and has room. A round still looking when the next comes lets it pass. */
  void dispatch() {
    if (looking || inFlightTotal >= OVERALL) {
      return;
    }
    looking = true;
    long now = System.currentTimeMillis();
    store.all().compose(webhooks -> {
      Map<String, Webhook> withRoom = new HashMap<>();
      webhooks.stream().filter(w -> w.enabled() && inFlight.getOrDefault(w.id(), 0) < PER_ENDPOINT)
          .forEach(w -> withRoom.put(w.id(), w));
      return store.due(withRoom.keySet(), now, OVERALL - inFlightTotal)
          .onSuccess(due -> due.forEach(delivery -> start(withRoom.get(delivery.webhookId()), delivery, now)));
    }).onComplete(done -> {
      looking = false;
      if (done.failed()) {
        LOG.warn("Webhook deliveries could not be read, trying again shortly: {}", done.cause().getMessage());
      }
    });
  }

  private void start(Webhook webhook, WebhookDelivery delivery, long now) {
    int ofEndpoint = inFlight.getOrDefault(webhook.id(), 0);
    if (ofEndpoint >= PER_ENDPOINT || inFlightTotal >= OVERALL) {
      return;
    }
    inFlight.put(webhook.id(), ofEndpoint + 1);
    inFlightTotal++;
    store.claim(delivery, now, now + timeoutMs + LEASE_MARGIN_MS)
        .compose(claimed -> claimed.isEmpty() ? Future.succeededFuture() : attempt(webhook, delivery))
        .onFailure(e -> LOG.warn("Webhook delivery {} not saved after its attempt; tried again once its lease is over: {}",
            delivery.id(), e.getMessage()))
        .onComplete(done -> {
          inFlight.merge(webhook.id(), -1, Integer::sum);
          inFlight.remove(webhook.id(), 0);
          inFlightTotal--;
        });
  }

  /** One POST of the delivery, checked target first, and its outcome saved. */
  private Future<Void> attempt(Webhook webhook, WebhookDelivery delivery) {
    Instant started = Instant.now();
    long startedNanos = System.nanoTime();
    return guard.check(webhook.url())
        .compose(target -> post(target, webhook, delivery))
        .map(response -> new WebhookDelivery.Attempt(started, response.statusCode(), problemOf(response), elapsedMs(startedNanos)))
        .recover(error -> Future.succeededFuture(new WebhookDelivery.Attempt(started, null, describe(error), elapsedMs(startedNanos))))
        .compose(attempt -> store.save(outcome(webhook, delivery, attempt)));
  }

  /**
   * The POST to the address the guard checked (the URL's host still names the server, for the Host header and TLS),
   * the exact stored bytes as the body, signed with a fresh timestamp. Redirects are not followed; the answer's body
   * is read and dropped.
   */
  private Future<HttpResponse<Void>> post(TargetGuard.Target target, Webhook webhook, WebhookDelivery delivery) {
    byte[] body = delivery.body().getBytes(StandardCharsets.UTF_8);
    long timestamp = Instant.now().getEpochSecond();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(target.host()).setPort(target.port())
        .setURI(target.requestUri()).setSsl(target.https()).setFollowRedirects(false);
    SocketAddress server = SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress());
    return client.request(HttpMethod.POST, server, options)
        .followRedirects(false)
        .timeout(timeoutMs)
        .putHeader("content-type", "application/json")
        .putHeader("user-agent", USER_AGENT)
        .putHeader(WebhookSignature.EVENT_ID_HEADER, delivery.eventId())
        .putHeader(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
        .putHeader(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(webhook.secret(), timestamp, body))
        .as(BodyCodec.none())
        .sendBuffer(Buffer.buffer(body))
        // The client's timeout is one of inactivity; an endpoint that trickles its answer is cut off here.
        .timeout(timeoutMs + 1_000, TimeUnit.MILLISECONDS);
  }

  private WebhookDelivery outcome(Webhook webhook, WebhookDelivery delivery, WebhookDelivery.Attempt attempt) {
    long now = System.currentTimeMillis();
    if (attempt.httpStatus() != null && attempt.httpStatus() / 100 == 2) {
      metrics.webhookAttempt("delivered");
      return delivery.after(attempt, WebhookDelivery.Status.DELIVERED, now);
    }
    OptionalLong next = retries.nextAttemptMs(delivery.eventAt(), delivery.attemptCount() + 1, now);
    if (next.isPresent()) {
      metrics.webhookAttempt("retry");
      return delivery.after(attempt, WebhookDelivery.Status.PENDING, next.getAsLong());
    }
    metrics.webhookAttempt("failed");
    LOG.warn("Webhook {} ({}): event {} given up after {} attempts, the last {}", webhook.id(), webhook.url(),
        delivery.eventId(), delivery.attemptCount() + 1,
        attempt.httpStatus() != null ? "answered HTTP " + attempt.httpStatus() : "failed: " + attempt.error());
    return delivery.after(attempt, WebhookDelivery.Status.FAILED, now);
  }

  /** A note beside a redirect's status (its Location, which was not followed); null for any other answer. */
  private static String problemOf(HttpResponse<Void> response) {
    if (response.statusCode() / 100 != 3) {
      return null;
    }
    String location = response.getHeader("location");
    return "redirect" + (location == null ? "" : " to " + abbreviate(location)) + " not followed";
  }

  private static String describe(Throwable error) {
    String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    return abbreviate(message);
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "…";
  }

  private static long elapsedMs(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }
}
