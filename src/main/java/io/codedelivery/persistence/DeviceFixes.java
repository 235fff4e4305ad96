package io.codedelivery.persistence;

import io.codedelivery.model.DeviceFix;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.Collection;
import java.util.List;

/**
 * Each registered device's last fix ({@code devices.lastFix}), written by the tracking stage. Its caller passes only
 * fixes newer than any it wrote before for the device (it keeps each device's newest fix time), so the stored one
 * never goes back; a device that is not registered is not created.
 */
public final class DeviceFixes {
  private static final BulkWriteOptions UNORDERED = new BulkWriteOptions(false);

  private final MongoClient mongo;

  public DeviceFixes(MongoClient mongo) {
    this.mongo = mongo;
  }

  /** One bulk write, by {@code _id}, of the newest fix of each device. */
  public Future<Void> recordNewest(Collection<DeviceFix> newest) {
    if (newest.isEmpty()) {
      return Future.succeededFuture();
    }
    List<BulkOperation> updates = newest.stream()
        .map(fix -> BulkOperation.createUpdate(new JsonObject().put("_id", fix.deviceId()),
            new JsonObject().put("$set", new JsonObject().put("lastFix", fix.toJson())), false, false))
        .toList();
    return mongo.bulkWriteWithOptions(Store.DEVICES, updates, UNORDERED).mapEmpty();
  }
}
