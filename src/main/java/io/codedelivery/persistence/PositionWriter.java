package io.codedelivery.persistence;

import io.codedelivery.model.Position;
import io.codedelivery.model.Route;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a batch of positions with two bulk writes, both idempotent and both addressed by {@code _id} alone: each
 * position is inserted only if its {@code deliveryId:seq} is not stored yet, and each delivery stores only facts
 * that move one way ({@code $max} of the last seq, {@code $min} of the start and of the finish), so a late or
 * repeated record changes nothing. Everything else about a delivery follows from those facts and is derived when read
 * ({@link DeliveryQueries}). A filter on {@code _id} alone is also what keeps the embedded store fast: it answers
 * any other filter by scanning the whole collection.
 *
 * <p>A delivery starts with its seq 0: its start time is that position's timestamp, and a batch holding it also
 * enters the delivery in {@link Store#DELIVERIES_NEWEST_FIRST}, the list's order. Should seq 0 ever be produced twice
 * with two timestamps (a crash between producing and committing it), the earliest is the start, and the list passes
 * over the entry of the other one.
 */
final class PositionWriter {
  private static final BulkWriteOptions UNORDERED = new BulkWriteOptions(false);

  private final MongoClient mongo;

  PositionWriter(MongoClient mongo) {
    this.mongo = mongo;
  }

  /** A position with the route it is a point of; a device's position is no route's point, and has none. */
  record Located(Position position, Route route) {
    static Located ofDevice(Position position) {
      return new Located(position, null);
    }
  }

  /**
   * The earliest and the latest position of one delivery within a batch, and when it finished if a position of the
   * batch says so: the finishing one need not be the latest by seq (a device whose clock runs ahead may have sent
   * fixes with later times than the one ending its delivery from the API).
   */
  private record Span(Located first, Located latest, Instant finishedAt) {
    Span(Located located) {
      this(located, located, located.position().finished() ? located.position().timestamp() : null);
    }

    Span widen(Span other) {
      return new Span(
          other.first.position().seq() < first.position().seq() ? other.first : first,
          other.latest.position().seq() > latest.position().seq() ? other.latest : latest,
          finishedAt == null || (other.finishedAt != null && other.finishedAt.isBefore(finishedAt)) ? other.finishedAt : finishedAt);
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
      positions.add(BulkOperation.createUpdate(PositionDocument.idOf(p),
          new JsonObject().put("$setOnInsert", PositionDocument.toDocument(p)), true, false));
      spans.merge(p.deliveryId(), new Span(located), Span::widen);
    }
    List<BulkOperation> deliveries = new ArrayList<>(spans.size());
    List<BulkOperation> starts = new ArrayList<>();
    spans.forEach((deliveryId, span) -> {
      deliveries.add(BulkOperation.createUpdate(new JsonObject().put("_id", deliveryId), deliveryUpdate(span), true, false));
      // A device's delivery was entered in the list when it was assigned, and its seqs are fix times.
      if (span.first().position().seq() == 0 && !span.first().position().fromDevice()) {
        Position start = span.first().position();
        starts.add(newestFirstEntry(deliveryId, start.routeId(), start.timestamp()));
      }
    });
    return mongo.bulkWriteWithOptions(Store.POSITIONS, positions, UNORDERED)
        .compose(inserted -> mongo.bulkWriteWithOptions(Store.DELIVERIES, deliveries, UNORDERED)
            .compose(v -> starts.isEmpty() ? Future.succeededFuture()
                : mongo.bulkWriteWithOptions(Store.DELIVERIES_NEWEST_FIRST, starts, UNORDERED))
            .map(v -> inserted.getUpserts().size()));
  }

  /**
   * Inserts a delivery's entry in the list's order unless it is there, with what the list reads before the delivery
   * itself: an update by {@code _id}, so idempotent.
   */
  static BulkOperation newestFirstEntry(String deliveryId, String routeId, Instant startedAt) {
    return BulkOperation.createUpdate(
        new JsonObject().put("_id", Store.newestFirstKey(startedAt, deliveryId)),
        new JsonObject().put("$setOnInsert", new JsonObject()
            .put("deliveryId", deliveryId).put("routeId", routeId).put("startedAt", Store.date(startedAt))),
        true, false);
  }

  /** What a batch says about one delivery, as an update that only moves the stored facts forward. */
  private static JsonObject deliveryUpdate(Span span) {
    return span.latest().position().fromDevice() ? deviceDeliveryUpdate(span) : routeDeliveryUpdate(span);
  }

  private static JsonObject routeDeliveryUpdate(Span span) {
    Position latest = span.latest().position();
    Route route = span.latest().route();
    JsonObject created = new JsonObject()
        .put("routeId", latest.routeId())
        .put("title", route.title())
        .put("pointCount", route.points().size());
    if (latest.clientId() != null) {
      created.put("clientId", latest.clientId());
    }
    JsonObject earliest = new JsonObject();
    Position first = span.first().position();
    if (first.seq() == 0) {
      earliest.put("startedAt", Store.date(first.timestamp()));
    }
    return forward(span, created, earliest);
  }

  /**
   * A device's delivery, entered when it was assigned: the newest position's own values are kept with its seq in
   * {@code latest}, under {@code $max}. MongoDB compares documents field by field, {@code seq} first, so the position
   * with the highest seq wins whatever order batches come in, in the same single update by {@code _id}.
   */
  private static JsonObject deviceDeliveryUpdate(Span span) {
    Position latest = span.latest().position();
    JsonObject newest = new JsonObject().put("seq", latest.seq()).put("position", latest.position().toJson());
    if (latest.estimate() != null) {
      newest.put("distanceRemainingMetres", latest.estimate().distanceRemainingMetres())
          .put("progress", latest.estimate().progress());
      if (latest.estimate().eta() != null) {
        newest.put("eta", latest.estimate().eta().toString());
      }
    }
    JsonObject update = forward(span, new JsonObject().put("deviceId", latest.fix().deviceId()), new JsonObject());
    update.getJsonObject("$max").put("latest", newest);
    return update;
  }

  private static JsonObject forward(Span span, JsonObject created, JsonObject earliest) {
    Position latest = span.latest().position();
    if (span.finishedAt() != null) {
      // After a crash the last position can be produced twice, with two timestamps: the first one stored wins,
      // as it does for the position itself.
      earliest.put("finishedAt", Store.date(span.finishedAt()));
    }
    JsonObject update = new JsonObject().put("$setOnInsert", created);
    if (!earliest.isEmpty()) {
      update.put("$min", earliest);
    }
    return update
        .put("$max", new JsonObject().put("lastSeq", latest.seq()).put("updatedAt", Store.date(latest.timestamp())));
  }
}
