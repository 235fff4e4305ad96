package io.codedelivery.persistence;

import io.codedelivery.model.Position;
import io.codedelivery.model.Route;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a batch of positions with two bulk writes, both idempotent: each position is inserted only if its
 * {@code (deliveryId, seq)} is not stored yet, and each delivery's state moves only forward in {@code seq}.
 */
final class PositionWriter {
  private static final BulkWriteOptions UNORDERED = new BulkWriteOptions(false);

  private final MongoClient mongo;

  PositionWriter(MongoClient mongo) {
    this.mongo = mongo;
  }

  /** A position of a known route, with how far along the route it is. */
  record Located(Position position, Route route, RouteProgress progress) {
  }

  /** The earliest and the latest position of one delivery within a batch. */
  private record Span(Located first, Located latest) {
    Span widen(Span other) {
      return new Span(
          other.first.position().seq() < first.position().seq() ? other.first : first,
          other.latest.position().seq() > latest.position().seq() ? other.latest : latest);
    }
  }

  /** Completes with the number of positions that were new. */
  Future<Integer> write(List<Located> batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<BulkOperation> positions = new ArrayList<>(batch.size());
    Map<String, Span> spans = new LinkedHashMap<>();
    for (Located located : batch) {
      Position p = located.position();
      positions.add(BulkOperation.createUpdate(new JsonObject().put("_id", positionKey(p)),
          new JsonObject().put("$setOnInsert", positionDocument(p)), true, false));
      spans.merge(p.deliveryId(), new Span(located, located), Span::widen);
    }
    List<BulkOperation> deliveries = new ArrayList<>(spans.size() * 2);
    spans.forEach((deliveryId, span) -> {
      Position latest = span.latest().position();
      JsonObject state = state(span.latest());
      JsonObject created = state.copy()
          .put("routeId", latest.routeId())
          .put("title", span.latest().route().title())
          .put("startedAt", Store.date(span.first().position().timestamp()));
      if (latest.clientId() != null) {
        created.put("clientId", latest.clientId());
      }
      deliveries.add(BulkOperation.createUpdate(new JsonObject().put("_id", deliveryId),
          new JsonObject().put("$setOnInsert", created), true, false));
      // Matches only when this batch is newer than what is stored: a late or repeated seq changes nothing.
      deliveries.add(BulkOperation.createUpdate(
          new JsonObject().put("_id", deliveryId).put("lastSeq", new JsonObject().put("$lt", latest.seq())),
          new JsonObject().put("$set", state), false, false));
    });
    return mongo.bulkWriteWithOptions(Store.POSITIONS, positions, UNORDERED)
        .compose(inserted -> mongo.bulkWriteWithOptions(Store.DELIVERIES, deliveries, UNORDERED)
            .map(v -> inserted.getUpserts().size()));
  }

  static String positionKey(Position p) {
    return p.deliveryId() + ":" + p.seq();
  }

  private static JsonObject positionDocument(Position p) {
    JsonObject document = new JsonObject()
        .put("deliveryId", p.deliveryId())
        .put("routeId", p.routeId())
        .put("seq", p.seq())
        .put("position", p.position().toJson())
        .put("finished", p.finished())
        .put("timestamp", Store.date(p.timestamp()));
    if (p.clientId() != null) {
      document.put("clientId", p.clientId());
    }
    return document;
  }

  private static JsonObject state(Located located) {
    Position p = located.position();
    int index = (int) p.seq();
    JsonObject state = new JsonObject()
        .put("status", p.finished() ? "finished" : p.seq() == 0 ? "started" : "in-transit")
        .put("lastSeq", p.seq())
        .put("lastPosition", p.position().toJson())
        .put("pointCount", located.route().points().size())
        .put("progress", located.progress().fraction(index))
        .put("distanceCoveredMetres", Math.round(located.progress().coveredMetres(index)))
        .put("distanceRemainingMetres", Math.round(located.progress().remainingMetres(index)))
        .put("updatedAt", Store.date(p.timestamp()));
    if (p.finished()) {
      state.put("finishedAt", Store.date(p.timestamp()));
    }
    return state;
  }
}
