package io.codedelivery.persistence;

import io.codedelivery.model.DeliveryEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Each delivery's events in {@link Store#DELIVERY_EVENTS}, kept under their event id: recording an event again (a
 * recomputation after a restart, a batch read twice) replaces it with itself. A delivery's timeline is found by the
 * prefix {@code deliveryId:} of the ids, a range of the {@code _id} index that every MongoDB-wire store walks without
 * scanning the other deliveries' events.
 */
public final class EventTimeline {
  private static final BulkWriteOptions UNORDERED = new BulkWriteOptions(false);
  /** The events of one position share its time: they keep the order they were raised in, that of their types. */
  private static final Comparator<DeliveryEvent> IN_ORDER = Comparator.comparing(DeliveryEvent::at)
      .thenComparing(DeliveryEvent::type).thenComparing(DeliveryEvent::eventId);

  private final MongoClient mongo;

  public EventTimeline(MongoClient mongo) {
    this.mongo = mongo;
  }

  /** Stores these events, once each; one bulk write. */
  public Future<Void> record(Collection<DeliveryEvent> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    List<BulkOperation> writes = events.stream()
        .map(event -> BulkOperation.createReplace(new JsonObject().put("_id", event.eventId()),
            event.toJson().put("_id", event.eventId()), true))
        .toList();
    return mongo.bulkWriteWithOptions(Store.DELIVERY_EVENTS, writes, UNORDERED).mapEmpty();
  }

  /** The delivery's events, oldest first; empty for a delivery without any (or unknown). */
  public Future<List<DeliveryEvent>> of(String deliveryId) {
    // Delivery ids are UUIDs, nothing a regular expression would read as more than itself.
    JsonObject query = new JsonObject().put("_id", new JsonObject().put("$regex", "^" + DeliveryEvent.idPrefixOf(deliveryId)));
    return mongo.find(Store.DELIVERY_EVENTS, query).map(found -> found.stream()
        .map(document -> {
          document.remove("_id");
          return DeliveryEvent.fromJson(document);
        })
        .sorted(IN_ORDER)
        .toList());
  }
}
