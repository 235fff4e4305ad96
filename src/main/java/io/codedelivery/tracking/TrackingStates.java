package io.codedelivery.tracking;

import io.codedelivery.persistence.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The tracking stage's state per device in {@link Store#TRACKING}, read and written by {@code _id} (the device's id). */
final class TrackingStates {
  private static final BulkWriteOptions UNORDERED = new BulkWriteOptions(false);
  static final int WRITE_CHUNK = 100;

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

  /**
   * Replaces each device's saved state with this one, its documents made before it returns. Written
   * {@value #WRITE_CHUNK} at a time, one bulk write after another: the embedded store runs one command at a time, and a
   * second's worth of states in one command held up every reader behind it (a first sight's state, the device list)
   * for a quarter of a second.
   */
  Future<Void> save(Collection<DeviceState> states) {
    List<BulkOperation> replacements = states.stream()
        .map(state -> BulkOperation.createReplace(new JsonObject().put("_id", state.deviceId), state.toDocument(), true))
        .toList();
    Future<Void> written = Future.succeededFuture();
    for (int from = 0; from < replacements.size(); from += WRITE_CHUNK) {
      List<BulkOperation> chunk = replacements.subList(from, Math.min(from + WRITE_CHUNK, replacements.size()));
      written = written.compose(v -> mongo.bulkWriteWithOptions(Store.TRACKING, chunk, UNORDERED).mapEmpty());
    }
    return written;
  }
}
