package io.codedelivery.persistence;

import io.codedelivery.config.AppConfig;
import io.codedelivery.model.DeviceFix;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Registered devices in {@link Store#DEVICES}: {@code {_id: <uniqueId>, name, createdAt, secretHash?, lastFix?}}.
 * Registration and removal come from the REST API; {@code lastFix} is written by the tracking stage only;
 * {@code secretHash} (see {@code access.DeviceSecret}) is read by the ingestion role only, never shown. The unique id is the
 * {@code _id}, so its index is the only one needed and a second registration of the same id cannot slip in.
 */
public final class DeviceStore {
  private static final String SECRET_HASH = "secretHash";
  private static final JsonObject LOGIN_FIELDS = new JsonObject().put("_id", 1).put(SECRET_HASH, 1);
  private static final BulkWriteOptions UNORDERED = new BulkWriteOptions(false);

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
    static Device of(JsonObject stored) {
      return new Device(stored.getString("_id"), stored.getString("name"), Store.instant(stored.getValue("createdAt")),
          stored.getJsonObject("lastFix"), stored.getString(SECRET_HASH) != null);
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
    return reads.findOne(Store.DEVICES, byId(uniqueId), null).map(found -> Optional.ofNullable(found).map(Device::of));
  }

  /** Up to {@code limit} devices in unique-id order, those after {@code after} when it is given (the next page). */
  public Future<List<Device>> page(String after, int limit) {
    JsonObject query = after == null ? new JsonObject() : new JsonObject().put("_id", new JsonObject().put("$gt", after));
    return reads.findWithOptions(Store.DEVICES, query, kind.inIdOrder(limit))
        .map(found -> found.stream().map(Device::of).toList());
  }

  /** False when no device has this unique id. */
  public Future<Boolean> remove(String uniqueId) {
    return writes.removeDocument(Store.DEVICES, byId(uniqueId)).map(result -> result.getRemovedCount() > 0);
  }

  /**
   * One bulk write, by {@code _id}, of each device's last fix, for the tracking stage. Its caller passes only fixes
   * newer than any it wrote before for the device (it keeps each device's newest fix time), so the stored one never
   * goes back; a device that is not registered is not created.
   */
  public Future<Void> recordNewest(Collection<DeviceFix> newest) {
    if (newest.isEmpty()) {
      return Future.succeededFuture();
    }
    List<BulkOperation> updates = newest.stream()
        .map(fix -> BulkOperation.createUpdate(byId(fix.deviceId()),
            new JsonObject().put("$set", new JsonObject().put("lastFix", fix.toJson())), false, false))
        .toList();
    return writes.bulkWriteWithOptions(Store.DEVICES, updates, UNORDERED).mapEmpty();
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
