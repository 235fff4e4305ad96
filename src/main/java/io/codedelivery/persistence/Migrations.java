package io.codedelivery.persistence;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema steps, each recorded in {@code migrations} once applied, so a restart (or a second pod)
 * skips what is done. Every step is idempotent on its own as well, so two processes racing do no harm.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  private static final int BACKFILL_CHUNK = 1_000;

  private record Migration(int version, String description, Function<MongoClient, Future<?>> step) {
  }

  private static final List<Migration> ALL = List.of(
      new Migration(1, "indexes: unique (deliveryId, seq) on positions; deliveries by status, route and start time",
          Migrations::createIndexes),
      new Migration(2, "delivery state derived from lastSeq and finishedAt; (deliveryId, seq) uniqueness left to _id",
          Migrations::deriveDeliveryState),
      new Migration(3, "deliveries entered in deliveries_newest_first, the list's order, which every store walks by _id",
          Migrations::listNewestFirst),
      // The silence check asks for the deliveries en route on a member's partitions every few seconds; the states of
      // ended deliveries stay, so without this index the check would read every delivery ever followed.
      new Migration(4, "index: event_states of deliveries en route by partition",
          mongo -> mongo.createIndexWithOptions(Store.EVENT_STATES, new JsonObject().put("enRoute", 1).put("partition", 1),
              new IndexOptions().name("enRoute_partition"))),
      new Migration(5, "devices' last fixes kept in their tracking state, which saves both in one write",
          Migrations::moveLastFixesToTrackingState));

  private Migrations() {
  }

  public static Future<Void> run(MongoClient mongo) {
    Future<Void> chain = Future.succeededFuture();
    for (Migration migration : ALL) {
      chain = chain.compose(v -> applyOnce(mongo, migration));
    }
    return chain;
  }

  private static Future<Void> applyOnce(MongoClient mongo, Migration migration) {
    return mongo.findOne(Store.MIGRATIONS, new JsonObject().put("_id", migration.version()), null)
        .compose(done -> {
          if (done != null) {
            return Future.succeededFuture();
          }
          LOG.info("Applying migration {}: {}", migration.version(), migration.description());
          return migration.step().apply(mongo)
              .compose(v -> mongo.save(Store.MIGRATIONS, new JsonObject()
                  .put("_id", migration.version())
                  .put("description", migration.description())
                  .put("appliedAt", Store.date(Instant.now()))))
              .mapEmpty();
        });
  }

  /**
   * {@code _id} (deliveryId:seq) already makes positions unique, so the second unique index only cost every
   * insert a lookup; a plain index still serves the track queries on MongoDB. Delivery status and progress are
   * derived when read, so the stored copies go, and the status index becomes one on what status follows from.
   */
  private static Future<?> deriveDeliveryState(MongoClient mongo) {
    JsonObject derivedFields = new JsonObject();
    List.of("status", "lastPosition", "progress", "distanceCoveredMetres", "distanceRemainingMetres")
        .forEach(field -> derivedFields.put(field, ""));
    return dropIfPresent(mongo, Store.POSITIONS, "deliveryId_seq_unique")
        .compose(v -> mongo.createIndexWithOptions(Store.POSITIONS, new JsonObject().put("deliveryId", 1).put("seq", 1),
            new IndexOptions().name("deliveryId_seq")))
        .compose(v -> dropIfPresent(mongo, Store.DELIVERIES, "status_startedAt"))
        .compose(v -> mongo.createIndexWithOptions(Store.DELIVERIES,
            new JsonObject().put("finishedAt", 1).put("lastSeq", 1).put("startedAt", -1),
            new IndexOptions().name("finishedAt_lastSeq_startedAt")))
        .compose(v -> mongo.updateCollectionWithOptions(Store.DELIVERIES, new JsonObject(),
            new JsonObject().put("$unset", derivedFields), new UpdateOptions().setMulti(true)));
  }

  /**
   * Enters every started delivery in {@link Store#DELIVERIES_NEWEST_FIRST}, a chunk at a time so a large store is
   * never held in memory at once. From here on {@link PositionWriter} enters each delivery as it starts.
   */
  private static Future<?> listNewestFirst(MongoClient mongo) {
    Promise<Void> done = Promise.promise();
    List<BulkOperation> chunk = new ArrayList<>();
    ReadStream<JsonObject> deliveries = mongo.findBatchWithOptions(Store.DELIVERIES, new JsonObject(),
        new FindOptions().setFields(new JsonObject().put("routeId", 1).put("startedAt", 1)).setBatchSize(BACKFILL_CHUNK));
    deliveries.exceptionHandler(done::tryFail);
    deliveries.endHandler(end -> enter(mongo, chunk).onComplete(done));
    deliveries.handler(delivery -> {
      Instant startedAt = Store.instant(delivery.getValue("startedAt"));
      if (startedAt != null) {
        chunk.add(PositionWriter.newestFirstEntry(delivery.getString("_id"), delivery.getString("routeId"), startedAt));
      }
      if (chunk.size() == BACKFILL_CHUNK) {
        deliveries.pause();
        enter(mongo, chunk).onSuccess(v -> deliveries.resume()).onFailure(done::tryFail);
      }
    });
    return done.future();
  }

  /**
   * Each device's last fix joins its tracking state (created if the device has none, with the fix's time as its newest
   * so a late fix does not replace it), and leaves the device's document.
   */
  private static Future<?> moveLastFixesToTrackingState(MongoClient mongo) {
    JsonObject withLastFix = new JsonObject().put(DeviceStore.LAST_FIX, new JsonObject().put("$exists", true));
    return mongo.findWithOptions(Store.DEVICES, withLastFix, new FindOptions().setFields(new JsonObject().put(DeviceStore.LAST_FIX, 1)))
        .compose(devices -> {
          List<BulkOperation> moves = devices.stream().map(device -> {
            JsonObject lastFix = device.getJsonObject(DeviceStore.LAST_FIX);
            Instant fixTime = Store.instant(lastFix.getValue("fixTime"));
            JsonObject update = new JsonObject().put("$set", new JsonObject().put(DeviceStore.LAST_FIX, lastFix));
            if (fixTime != null) {
              update.put("$max", new JsonObject().put("deviceNewestFixMs", fixTime.toEpochMilli()));
            }
            return BulkOperation.createUpdate(new JsonObject().put("_id", device.getString("_id")), update, true, false);
          }).toList();
          return moves.isEmpty() ? Future.succeededFuture()
              : mongo.bulkWriteWithOptions(Store.TRACKING, moves, new BulkWriteOptions(false));
        })
        .compose(v -> mongo.updateCollectionWithOptions(Store.DEVICES, withLastFix,
            new JsonObject().put("$unset", new JsonObject().put(DeviceStore.LAST_FIX, "")), new UpdateOptions().setMulti(true)));
  }

  /** Writes the chunk's entries and empties it. */
  private static Future<Void> enter(MongoClient mongo, List<BulkOperation> chunk) {
    if (chunk.isEmpty()) {
      return Future.succeededFuture();
    }
    List<BulkOperation> entries = List.copyOf(chunk);
    chunk.clear();
    return mongo.bulkWriteWithOptions(Store.DELIVERIES_NEWEST_FIRST, entries, new BulkWriteOptions(false)).mapEmpty();
  }

  private static Future<Void> dropIfPresent(MongoClient mongo, String collection, String index) {
    return mongo.listIndexes(collection).compose(indexes -> indexes.stream()
        .anyMatch(i -> i instanceof JsonObject json && index.equals(json.getString("name")))
        ? mongo.dropIndex(collection, index) : Future.succeededFuture());
  }

  private static Future<?> createIndexes(MongoClient mongo) {
    return Future.all(
        mongo.createIndexWithOptions(Store.POSITIONS, new JsonObject().put("deliveryId", 1).put("seq", 1),
            new IndexOptions().unique(true).name("deliveryId_seq_unique")),
        mongo.createIndexWithOptions(Store.DELIVERIES, new JsonObject().put("status", 1).put("startedAt", -1),
            new IndexOptions().name("status_startedAt")),
        mongo.createIndexWithOptions(Store.DELIVERIES, new JsonObject().put("routeId", 1).put("startedAt", -1),
            new IndexOptions().name("routeId_startedAt")),
        mongo.createIndexWithOptions(Store.DELIVERIES, new JsonObject().put("startedAt", -1).put("_id", -1),
            new IndexOptions().name("startedAt_id")));
  }
}
