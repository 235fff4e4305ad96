package io.codedelivery.events;

import io.codedelivery.persistence.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The events stage's reads and writes: its state per delivery in {@link Store#EVENT_STATES}, and the facts of device
 * deliveries from {@link Store#DELIVERIES}.
 */
final class EventStates {
  private static final JsonObject FACT_FIELDS = new JsonObject().put("destination", 1).put("routeId", 1).put("promisedBy", 1);

  private final MongoClient mongo;

  EventStates(MongoClient mongo) {
    this.mongo = mongo;
  }

  /** The saved state of each of these deliveries that has one. */
  Future<Map<String, EventState>> load(Collection<String> deliveryIds) {
    return mongo.find(Store.EVENT_STATES, byIds(deliveryIds)).map(found -> found.stream()
        .map(EventState::fromDocument).collect(Collectors.toMap(state -> state.deliveryId, state -> state)));
  }

  /**
   * The deliveries en route on these partitions, not yet stalled, whose newest position was received before the
   * cutoff: those a silence check may find stalled. One query, whatever this member held before a restart.
   */
  Future<List<EventState>> silentSince(Collection<Integer> partitions, long cutoffMs) {
    JsonObject query = new JsonObject()
        .put("partition", new JsonObject().put("$in", new JsonArray(List.copyOf(partitions))))
        .put("enRoute", true).put("stalled", false)
        .put("lastSeenMs", new JsonObject().put("$lt", cutoffMs));
    return mongo.find(Store.EVENT_STATES, query).map(found -> found.stream().map(EventState::fromDocument).toList());
  }

  /** Replaces each delivery's saved state with this one, its documents made before it returns. */
  Future<Void> save(Collection<EventState> states) {
    return Store.replaceAll(mongo, Store.EVENT_STATES, states.stream().map(EventState::toDocument).toList());
  }

  /** The facts of each of these device deliveries that is stored, by delivery id. */
  Future<Map<String, DeliveryFacts>> deviceDeliveryFacts(Collection<String> deliveryIds) {
    return mongo.findWithOptions(Store.DELIVERIES, byIds(deliveryIds), new FindOptions().setFields(FACT_FIELDS))
        .map(found -> found.stream().collect(Collectors.toMap(delivery -> delivery.getString("_id"),
            DeliveryFacts::ofDeliveryDocument)));
  }

  private static JsonObject byIds(Collection<String> ids) {
    return new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(List.copyOf(ids))));
  }
}
