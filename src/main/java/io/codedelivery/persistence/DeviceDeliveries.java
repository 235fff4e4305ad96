package io.codedelivery.persistence;

import io.codedelivery.model.LatLon;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Deliveries driven by devices: assigning one (at most one active per device), finding a device's active one, and
 * ending it. {@link Store#DEVICE_ASSIGNMENTS} holds the active ones under the device's id, so the unique {@code _id}
 * refuses a second and removing the entry decides, once, who ended a delivery: the operator (complete, cancel) or
 * the tracking stage (arrival). Every lookup is by {@code _id}, which every MongoDB-wire store answers from its index.
 */
public final class DeviceDeliveries {
  private static final BulkWriteOptions UNORDERED = new BulkWriteOptions(false);

  private final MongoClient mongo;

  public DeviceDeliveries(MongoClient mongo) {
    this.mongo = mongo;
  }

  /** What the tracking stage needs of a device's active delivery. */
  public record Assignment(String deviceId, String deliveryId, LatLon destination, String routeId) {
    JsonObject toDocument(Instant assignedAt) {
      JsonObject document = new JsonObject().put("_id", deviceId).put("deliveryId", deliveryId)
          .put("destination", destination.toJson()).put("assignedAt", Store.date(assignedAt));
      return routeId == null ? document : document.put("routeId", routeId);
    }

    static Assignment fromDocument(JsonObject stored) {
      return new Assignment(stored.getString("_id"), stored.getString("deliveryId"),
          LatLon.fromJson(stored.getJsonObject("destination")), stored.getString("routeId"));
    }
  }

  /** A delivery as an operator assigned it; the optional parts are null when not given. */
  public record NewDelivery(Assignment assignment, String routeTitle, String reference, String customerName,
                            Instant promisedBy) {
  }

  /** A device's delivery as the store holds it, for ending it. */
  public record Stored(String deliveryId, String deviceId, String routeId, boolean ended, long lastSeq, LatLon lastPosition,
                       LatLon destination) {
  }

  /**
   * Enters the delivery: its assignment, its document (status {@code assigned}) and its place in the list's order.
   * Completes with false, writing nothing, when the device already has an active delivery.
   */
  public Future<Boolean> assign(NewDelivery delivery, Instant at) {
    Assignment assignment = delivery.assignment();
    return mongo.insert(Store.DEVICE_ASSIGNMENTS, assignment.toDocument(at))
        .map(inserted -> true)
        .recover(error -> Store.isDuplicateKey(error) ? Future.succeededFuture(false) : Future.failedFuture(error))
        .compose(assigned -> !assigned ? Future.succeededFuture(false)
            : mongo.insert(Store.DELIVERIES, deliveryDocument(delivery, at))
                .compose(v -> mongo.bulkWriteWithOptions(Store.DELIVERIES_NEWEST_FIRST,
                    List.of(PositionWriter.newestFirstEntry(assignment.deliveryId(), assignment.routeId(), at)), UNORDERED))
                .map(v -> true)
                // Without its document the delivery does not exist: the device must not stay taken by it.
                .recover(error -> mongo.removeDocument(Store.DEVICE_ASSIGNMENTS, assignmentOf(assignment.deviceId(), assignment.deliveryId()))
                    .transform(removed -> Future.failedFuture(error))));
  }

  private static JsonObject deliveryDocument(NewDelivery delivery, Instant at) {
    Assignment assignment = delivery.assignment();
    JsonObject document = new JsonObject()
        .put("_id", assignment.deliveryId())
        .put("deviceId", assignment.deviceId())
        .put("destination", assignment.destination().toJson())
        .put("status", DeliveryStatus.ASSIGNED.wireName())
        .put("startedAt", Store.date(at));
    if (assignment.routeId() != null) {
      document.put("routeId", assignment.routeId()).put("title", delivery.routeTitle());
    }
    if (delivery.reference() != null) {
      document.put("reference", delivery.reference());
    }
    if (delivery.customerName() != null) {
      document.put("customer", new JsonObject().put("name", delivery.customerName()));
    }
    if (delivery.promisedBy() != null) {
      document.put("promisedBy", Store.date(delivery.promisedBy()));
    }
    return document;
  }

  /** The active delivery of each of these devices that has one, by device id. */
  public Future<Map<String, Assignment>> active(Collection<String> deviceIds) {
    JsonObject query = new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(List.copyOf(deviceIds))));
    return mongo.find(Store.DEVICE_ASSIGNMENTS, query).map(found -> found.stream()
        .map(Assignment::fromDocument).collect(Collectors.toMap(Assignment::deviceId, a -> a)));
  }

  /** A device's delivery; empty when there is no such delivery or a simulated vehicle drives it. */
  public Future<Optional<Stored>> find(String deliveryId) {
    return mongo.findOne(Store.DELIVERIES, new JsonObject().put("_id", deliveryId), null).map(found -> {
      if (found == null || found.getString("deviceId") == null) {
        return Optional.empty();
      }
      JsonObject latest = found.getJsonObject("latest");
      return Optional.of(new Stored(deliveryId, found.getString("deviceId"), found.getString("routeId"),
          !DeliveryStatus.ASSIGNED.wireName().equals(found.getString("status")), found.getLong("lastSeq", -1L),
          latest == null ? null : LatLon.fromJson(latest.getJsonObject("position")),
          LatLon.fromJson(found.getJsonObject("destination"))));
    });
  }

  /** Whether a delivery of that id is stored at all, of a device or simulated. */
  public Future<Boolean> exists(String deliveryId) {
    return mongo.count(Store.DELIVERIES, new JsonObject().put("_id", deliveryId)).map(count -> count > 0);
  }

  /**
   * Ends the device's delivery with this outcome ({@link DeliveryStatus#DELIVERED} or {@link DeliveryStatus#CANCELLED})
   * if it is still the device's active one. Completes with false when it was not: another ender came first.
   */
  public Future<Boolean> end(String deviceId, String deliveryId, DeliveryStatus outcome, Instant at) {
    // The only filter beyond _id in this class: it reads the one entry of a device with an active delivery.
    return mongo.removeDocument(Store.DEVICE_ASSIGNMENTS, assignmentOf(deviceId, deliveryId)).compose(removed -> {
      if (removed.getRemovedCount() == 0) {
        return Future.succeededFuture(false);
      }
      return mongo.updateCollection(Store.DELIVERIES, new JsonObject().put("_id", deliveryId),
          new JsonObject().put("$set", new JsonObject().put("status", outcome.wireName()).put("endedAt", Store.date(at))))
          .map(v -> true);
    });
  }

  private static JsonObject assignmentOf(String deviceId, String deliveryId) {
    return new JsonObject().put("_id", deviceId).put("deliveryId", deliveryId);
  }

}
