package io.codedelivery.webhooks;

import io.codedelivery.model.DeliveryEvent;
import io.codedelivery.persistence.Store;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One event on its way to one webhook: the exact body every attempt sends (so every attempt carries the same event
 * and the same bytes), where it stands, when it is next tried, and its last {@link #KEPT_ATTEMPTS} attempts.
 *
 * @param nextAttemptAtMs when a dispatcher may next take it (also the end of a dispatcher's lease on it); meaningless
 *                        once it is no longer pending
 * @param attemptCount    every attempt made, also those no longer kept
 */
public record WebhookDelivery(String id, String webhookId, String eventId, String eventType, String body, Instant eventAt,
                              Instant queuedAt, Status status, long nextAttemptAtMs, int attemptCount, List<Attempt> attempts) {
  /** Enough to see how an endpoint has been answering, without a document that grows for a day of retries. */
  static final int KEPT_ATTEMPTS = 20;

  public enum Status {
    PENDING, DELIVERED, FAILED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Status fromWireName(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  /** One POST: when, and the endpoint's HTTP status or why there was none, and how long it took. */
  public record Attempt(Instant at, Integer httpStatus, String error, long durationMs) {
    JsonObject toJson() {
      JsonObject json = new JsonObject().put("at", at.toString()).put("durationMs", durationMs);
      if (httpStatus != null) {
        json.put("status", httpStatus);
      }
      if (error != null) {
        json.put("error", error);
      }
      return json;
    }

    static Attempt fromJson(JsonObject json) {
      return new Attempt(Instant.parse(json.getString("at")), json.getInteger("status"), json.getString("error"),
          json.getLong("durationMs", 0L));
    }
  }

  public WebhookDelivery {
    attempts = List.copyOf(attempts);
  }

  /** A new delivery of this event to this webhook, due at once. */
  static WebhookDelivery queued(String webhookId, DeliveryEvent event, Instant now) {
    return new WebhookDelivery(idOf(webhookId, event.eventId()), webhookId, event.eventId(), event.type().wireName(),
        event.toJson().encode(), event.at(), now, Status.PENDING, now.toEpochMilli(), 0, List.of());
  }

  static String idOf(String webhookId, String eventId) {
    return idPrefixOf(webhookId) + eventId;
  }

  static String idPrefixOf(String webhookId) {
    return webhookId + ":";
  }

  /** This delivery after one more attempt, now in the given status, next tried at the given time when pending. */
  WebhookDelivery after(Attempt attempt, Status newStatus, long nextMs) {
    List<Attempt> kept = new ArrayList<>(attempts);
    kept.add(attempt);
    if (kept.size() > KEPT_ATTEMPTS) {
      kept = kept.subList(kept.size() - KEPT_ATTEMPTS, kept.size());
    }
    return new WebhookDelivery(id, webhookId, eventId, eventType, body, eventAt, queuedAt, newStatus, nextMs,
        attemptCount + 1, kept);
  }

  JsonObject toDocument() {
    return progressDocument().put("_id", id).put("webhookId", webhookId).put("eventId", eventId).put("eventType", eventType)
        .put("body", body).put("eventAt", Store.date(eventAt)).put("queuedAt", Store.date(queuedAt));
  }

  /** What an attempt changes. */
  JsonObject progressDocument() {
    return new JsonObject().put("status", status.wireName()).put("nextAttemptAtMs", nextAttemptAtMs)
        .put("attemptCount", attemptCount)
        .put("attempts", new JsonArray(attempts.stream().map(attempt -> (Object) attempt.toJson()).toList()));
  }

  static WebhookDelivery fromDocument(JsonObject document) {
    List<Attempt> attempts = document.getJsonArray("attempts", new JsonArray()).stream()
        .map(attempt -> Attempt.fromJson((JsonObject) attempt)).toList();
    return new WebhookDelivery(document.getString("_id"), document.getString("webhookId"), document.getString("eventId"),
        document.getString("eventType"), document.getString("body"), Store.instant(document.getValue("eventAt")),
        Store.instant(document.getValue("queuedAt")), Status.fromWireName(document.getString("status")),
        document.getLong("nextAttemptAtMs", 0L), document.getInteger("attemptCount", 0), attempts);
  }

  /** What the API shows: the event, where it stands, each kept attempt, and the next attempt while pending. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("eventId", eventId).put("type", eventType).put("status", status.wireName())
        .put("queuedAt", queuedAt.toString()).put("attemptCount", attemptCount)
        .put("attempts", new JsonArray(attempts.stream().map(attempt -> (Object) attempt.toJson()).toList()));
    if (status == Status.PENDING) {
      json.put("nextAttemptAt", Instant.ofEpochMilli(nextAttemptAtMs).toString());
    }
    return json;
  }
}
