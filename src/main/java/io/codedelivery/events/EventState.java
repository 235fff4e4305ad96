package io.codedelivery.events;

import io.codedelivery.model.LatLon;
import io.vertx.core.json.JsonObject;

/**
 * What the event rules remember of one delivery between its positions, saved (as {@link #toDocument()}) before the
 * offsets are committed: its facts, the newest position seen (seq, place, and when the server received it), and which
 * once-only events it has raised and which conditions hold (late, off route, stalled). {@code partition} is the
 * partition of route.new-position its positions are on, so a member checks for silence only the deliveries of the
 * partitions it holds.
 */
final class EventState {
  static final long NONE = -1;

  final String deliveryId;
  int partition = (int) NONE;
  DeliveryFacts facts;
  long newestSeq = NONE;
  /** Wall-clock time (epoch ms) at which the server received the newest position: silence is measured from it. */
  long lastSeenMs = NONE;
  LatLon lastPosition;
  boolean started;
  boolean ended;
  boolean arriving;
  boolean late;
  boolean offRoute;
  /** Consecutive newest positions on the other side of the off-route line than {@link #offRoute} says. */
  int routeStreak;
  boolean stalled;

  EventState(String deliveryId) {
    this.deliveryId = deliveryId;
  }

  /** Started and not ended: a silence now is a stall. */
  boolean enRoute() {
    return started && !ended;
  }

  JsonObject toDocument() {
    JsonObject document = new JsonObject().put("_id", deliveryId).put("partition", partition)
        .put("newestSeq", newestSeq).put("lastSeenMs", lastSeenMs)
        .put("started", started).put("ended", ended).put("enRoute", enRoute()).put("arriving", arriving).put("late", late)
        .put("offRoute", offRoute).put("routeStreak", routeStreak).put("stalled", stalled);
    if (lastPosition != null) {
      document.put("lastPosition", lastPosition.toJson());
    }
    if (facts != null) {
      document.put("factsKnown", true);
      facts.putInto(document);
    }
    return document;
  }

  static EventState fromDocument(JsonObject document) {
    EventState state = new EventState(document.getString("_id"));
    state.partition = document.getInteger("partition", (int) NONE);
    state.newestSeq = document.getLong("newestSeq", NONE);
    state.lastSeenMs = document.getLong("lastSeenMs", NONE);
    JsonObject lastPosition = document.getJsonObject("lastPosition");
    state.lastPosition = lastPosition == null ? null : LatLon.fromJson(lastPosition);
    state.started = document.getBoolean("started", false);
    state.ended = document.getBoolean("ended", false);
    state.arriving = document.getBoolean("arriving", false);
    state.late = document.getBoolean("late", false);
    state.offRoute = document.getBoolean("offRoute", false);
    state.routeStreak = document.getInteger("routeStreak", 0);
    state.stalled = document.getBoolean("stalled", false);
    state.facts = document.getBoolean("factsKnown", false) ? DeliveryFacts.fromStateDocument(document) : null;
    return state;
  }
}
