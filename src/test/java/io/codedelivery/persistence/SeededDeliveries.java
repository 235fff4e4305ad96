package io.codedelivery.persistence;

import io.codedelivery.model.Route;
import io.codedelivery.model.RouteCatalog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Many stored deliveries at once, written straight into the store as {@link PositionWriter} leaves them (the delivery
 * and its entry in the list's order; no positions), so a test has a large store in seconds rather than in the hours a
 * simulation would take. Of every ten, one is started, one in transit and the rest finished, on routes 1, 2, 3 in turn.
 */
public final class SeededDeliveries {
  private static final int CHUNK = 1_000;
  private static final BulkWriteOptions UNORDERED = new BulkWriteOptions(false);

  private SeededDeliveries() {
  }

  /** Seeds {@code count} deliveries started a second apart, the last at {@code newest}; completes with their ids, newest first. */
  public static Future<List<String>> seed(MongoClient mongo, RouteCatalog routes, int count, Instant newest) {
    List<String> ids = new ArrayList<>(count);
    List<BulkOperation> deliveries = new ArrayList<>(count);
    List<BulkOperation> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String id = UUID.randomUUID().toString();
      Route route = routes.require(String.valueOf(1 + i % 3));
      Instant startedAt = newest.minusSeconds(i);
      int last = route.points().size() - 1;
      long lastSeq = switch (i % 10) {
        case 0 -> 0;
        case 1 -> last / 2;
        default -> last;
      };
      JsonObject delivery = new JsonObject().put("_id", id).put("routeId", route.id()).put("title", route.title())
          .put("pointCount", route.points().size()).put("startedAt", Store.date(startedAt)).put("lastSeq", lastSeq)
          .put("updatedAt", Store.date(startedAt.plus(Duration.ofSeconds(lastSeq))));
      if (lastSeq == last) {
        delivery.put("finishedAt", Store.date(startedAt.plus(Duration.ofSeconds(last))));
      }
      ids.add(id);
      deliveries.add(BulkOperation.createInsert(delivery));
      entries.add(PositionWriter.newestFirstEntry(id, route.id(), startedAt));
    }
    Future<Void> written = Future.succeededFuture();
    for (int from = 0; from < count; from += CHUNK) {
      List<BulkOperation> someDeliveries = deliveries.subList(from, Math.min(count, from + CHUNK));
      List<BulkOperation> someEntries = entries.subList(from, Math.min(count, from + CHUNK));
      written = written.compose(v -> mongo.bulkWriteWithOptions(Store.DELIVERIES, someDeliveries, UNORDERED))
          .compose(v -> mongo.bulkWriteWithOptions(Store.DELIVERIES_NEWEST_FIRST, someEntries, UNORDERED))
          .mapEmpty();
    }
    return written.map(v -> ids);
  }
}
