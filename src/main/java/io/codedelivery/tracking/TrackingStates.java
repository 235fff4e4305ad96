package io.codedelivery.tracking;

import io.codedelivery.persistence.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The tracking stage's state per device in {@link Store#TRACKING}, read and written by {@code _id} (the device's id). */
final class TrackingStates {
  private final MongoClient mongo;

  TrackingStates(MongoClient mongo) {
    this.mongo = mongo;
  }

  /** The saved state of each of these devices that has one. */
  Future<Map<String, DeviceState>> load(Collection<String> deviceIds) {
    JsonObject query = new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(List.copyOf(deviceIds))));
    return mongo.find(Store.TRACKING, query).map(found -> found.stream()
        .map(DeviceState::fromDocument).collect(Collectors.toMap(state -> state.deviceId, state -> state)));
  }

  /** Replaces each device's saved state with this one, its documents made before it returns. */
  Future<Void> save(Collection<DeviceState> states) {
    return Store.replaceAll(mongo, Store.TRACKING, states.stream().map(DeviceState::toDocument).toList());
  }
}
