package io.codedelivery.persistence;

import io.codedelivery.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Registered devices in {@link Store#DEVICES}: {@code {_id: <uniqueId>, name, createdAt, secretHash?}}, each with its
 * last fix from the tracking stage's state in {@link Store#TRACKING} (under the same {@code _id}, field
 * {@value #LAST_FIX}), which that stage saves at its checkpoints with the rest of the device's state: one write per
 * device, not two. Registration and removal come from the REST API; {@code secretHash} (see
 * {@code access.DeviceSecret}) is read by the ingestion role only, never shown. The unique id is the
 * {@code _id}, so its index is the only one needed and a second registration of the same id cannot slip in.
 */
public final class DeviceStore {
  /** The field of a device's tracking state that holds its last fix. */
  public static final String LAST_FIX = "lastFix";
  private static final String SECRET_HASH = "secretHash";
  private static final JsonObject LAST_FIX_FIELD = new JsonObject().put(LAST_FIX, 1);
  private static final JsonObject LOGIN_FIELDS = new JsonObject().put("_id", 1).put(SECRET_HASH, 1);

  private final MongoClient reads;
  private final MongoClient writes;
  private final Store.Kind kind;

  private DeviceStore(MongoClient reads, MongoClient writes, Store.Kind kind) {
    this.reads = reads;
    this.writes = writes;
    this.kind = kind;
  }

  public static DeviceStore create(Vertx vertx, AppConfig config) {
    return new DeviceStore(Store.client(vertx, config, Store.Pool.READS), Store.client(vertx, config, Store.Pool.WRITES), Store.Kind.of(config));
  }

  /**
   * A stored device as the API shows it: {@code uniqueId}, {@code name}, {@code createdAt}, {@code lastFix} if any,
   * and whether it has a secret (not the secret's hash).
   */
  public record Device(String uniqueId, String name, Instant createdAt, JsonObject lastFix, boolean hasSecret) {
    static Device of(JsonObject stored, JsonObject lastFix) {
      return new Device(stored.getString("_id"), stored.getString("name"), Store.instant(stored.getValue("createdAt")),
          lastFix, stored.getString(SECRET_HASH) != null);
    }
  }

  /**
   * Registers a device, with the hash of its secret when it has one; false when one with this unique id exists
   * already (it is left as it is).
   */
  public Future<Boolean> register(String uniqueId, String name, Instant createdAt, Optional<String> secretHash) {
    JsonObject fields = new JsonObject().put("name", name).put("createdAt", Store.date(createdAt));
    secretHash.ifPresent(hash -> fields.put(SECRET_HASH, hash));
    JsonObject insertOnly = new JsonObject().put("$setOnInsert", fields);
    return writes.updateCollectionWithOptions(Store.DEVICES, byId(uniqueId), insertOnly, new UpdateOptions().setUpsert(true))
        .map(result -> result.getDocUpsertedId() != null);
  }

  public Future<Optional<Device>> find(String uniqueId) {
    return reads.findOne(Store.DEVICES, byId(uniqueId), null)
        .compose(found -> found == null ? Future.succeededFuture(Optional.empty())
            : withLastFixes(List.of(found)).map(devices -> Optional.of(devices.get(0))));
  }

  /** Up to {@code limit} devices in unique-id order, those after {@code after} when it is given (the next page). */
  public Future<List<Device>> page(String after, int limit) {
    JsonObject query = after == null ? new JsonObject() : new JsonObject().put("_id", new JsonObject().put("$gt", after));
    return reads.findWithOptions(Store.DEVICES, query, kind.inIdOrder(limit)).compose(this::withLastFixes);
  }

  private Future<List<Device>> withLastFixes(List<JsonObject> stored) {
    if (stored.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    JsonArray ids = new JsonArray(stored.stream().map(device -> (Object) device.getString("_id")).toList());
    return reads.findWithOptions(Store.TRACKING, new JsonObject().put("_id", new JsonObject().put("$in", ids)),
            new FindOptions().setFields(LAST_FIX_FIELD))
        .map(states -> {
          Map<String, JsonObject> lastFixes = new HashMap<>();
          states.forEach(state -> {
            if (state.getJsonObject(LAST_FIX) != null) {
              lastFixes.put(state.getString("_id"), state.getJsonObject(LAST_FIX));
            }
          });
          return stored.stream().map(device -> Device.of(device, lastFixes.get(device.getString("_id")))).toList();
        });
  }

  /**
   * False when no device has this unique id. Its tracking state goes too, so a device registered again under the id
   * starts without the old one's last fix.
   */
  public Future<Boolean> remove(String uniqueId) {
    return writes.removeDocument(Store.DEVICES, byId(uniqueId))
        .compose(result -> writes.removeDocument(Store.TRACKING, byId(uniqueId)).map(result.getRemovedCount() > 0));
  }

  /**
   * Every registered unique id with its secret's hash when it has one, for the ingestion role's cache: a few dozen
   * bytes a device (about a hundred with a secret).
   */
  public Future<Map<String, Optional<String>>> logins() {
    return reads.findWithOptions(Store.DEVICES, new JsonObject(), new FindOptions().setFields(LOGIN_FIELDS))
        .map(found -> found.stream().collect(Collectors.toUnmodifiableMap(d -> d.getString("_id"),
            d -> Optional.ofNullable(d.getString(SECRET_HASH)))));
  }

  private static JsonObject byId(String uniqueId) {
    return new JsonObject().put("_id", uniqueId);
  }
}
