package io.codedelivery.persistence;

import io.codedelivery.model.Route;
import io.codedelivery.model.RouteCatalog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The read side: delivery state and stored tracks, in the same JSON shape the topics and the event bus use. */
public final class DeliveryQueries {
  private static final JsonObject NEWEST_FIRST = new JsonObject().put("startedAt", -1).put("_id", -1);
  private static final JsonObject BY_SEQ = new JsonObject().put("seq", 1);

  private final MongoClient mongo;
  private final RouteCatalog routes;
  private final Map<String, RouteProgress> progressByRoute;

  public DeliveryQueries(MongoClient mongo, RouteCatalog routes) {
    this.mongo = mongo;
    this.routes = routes;
    this.progressByRoute = routes.all().stream().collect(Collectors.toMap(Route::id, RouteProgress::new));
  }

  /** Filters of the delivery list; null means "any". */
  public record Filter(DeliveryStatus status, String routeId, int limit, String after) {
  }

  /** A page of deliveries, newest first, and the cursor of the next page (null on the last). */
  public record Page(JsonArray items, String next) {
    public JsonObject toJson() {
      return new JsonObject().put("items", items).put("next", next);
    }
  }

  public Future<Optional<JsonObject>> delivery(String deliveryId) {
    return mongo.findOne(Store.DELIVERIES, new JsonObject().put("_id", deliveryId), null)
        .map(found -> Optional.ofNullable(found).map(this::deliveryJson));
  }

  /** Completes with empty when {@code after} names no stored delivery. */
  public Future<Optional<Page>> deliveries(Filter filter) {
    JsonObject query = new JsonObject();
    if (filter.status() != null) {
      query.mergeIn(filter.status().query());
    }
    if (filter.routeId() != null) {
      query.put("routeId", filter.routeId());
    }
    Future<Optional<JsonObject>> cursor = filter.after() == null
        ? Future.succeededFuture(Optional.of(query))
        : mongo.findOne(Store.DELIVERIES, new JsonObject().put("_id", filter.after()), new JsonObject().put("startedAt", 1))
            .map(last -> Optional.ofNullable(last).map(l -> query.put("$or", new JsonArray()
                .add(new JsonObject().put("startedAt", new JsonObject().put("$lt", l.getValue("startedAt"))))
                .add(new JsonObject().put("startedAt", l.getValue("startedAt")).put("_id", new JsonObject().put("$lt", filter.after()))))));
    return cursor.compose(pageQuery -> {
      if (pageQuery.isEmpty()) {
        return Future.succeededFuture(Optional.empty());
      }
      // One more than asked tells whether a next page exists without a count.
      FindOptions options = new FindOptions().setSort(NEWEST_FIRST).setLimit(filter.limit() + 1);
      return mongo.findWithOptions(Store.DELIVERIES, pageQuery.get(), options).map(found -> {
        List<JsonObject> page = found.subList(0, Math.min(found.size(), filter.limit()));
        JsonArray items = new JsonArray();
        page.forEach(d -> items.add(deliveryJson(d)));
        String next = found.size() > filter.limit() ? page.get(page.size() - 1).getString("_id") : null;
        return Optional.of(new Page(items, next));
      });
    });
  }

  /**
   * The stored track from {@code fromSeq} on, ordered by seq; empty when the delivery is unknown. Positions are
   * fetched by {@code _id} ({@code deliveryId:seq} for the seqs its route can have), the one lookup every
   * MongoDB-wire store indexes: the embedded one would scan every stored position for a filter on deliveryId.
   */
  public Future<Optional<JsonArray>> track(String deliveryId, long fromSeq, int limit) {
    return mongo.findOne(Store.DELIVERIES, new JsonObject().put("_id", deliveryId), new JsonObject().put("pointCount", 1))
        .compose(delivery -> {
          if (delivery == null) {
            return Future.succeededFuture(Optional.empty());
          }
          long end = Math.min(delivery.getLong("pointCount", 0L), fromSeq + limit);
          JsonArray ids = new JsonArray();
          for (long seq = fromSeq; seq < end; seq++) {
            ids.add(PositionWriter.positionKey(deliveryId, seq));
          }
          if (ids.isEmpty()) {
            return Future.succeededFuture(Optional.of(new JsonArray()));
          }
          JsonObject query = new JsonObject().put("_id", new JsonObject().put("$in", ids));
          return mongo.findWithOptions(Store.POSITIONS, query, new FindOptions().setSort(BY_SEQ)).map(found -> {
            JsonArray track = new JsonArray();
            found.forEach(p -> track.add(positionJson(p)));
            return Optional.of(track);
          });
        });
  }

  /**
   * The stored delivery plus what follows from its last seq on its route: status, where it is and how far it
   * has to go. Only facts that move forward are stored (see {@link PositionWriter}); the rest is derived here.
   */
  private JsonObject deliveryJson(JsonObject stored) {
    JsonObject json = new JsonObject().put("deliveryId", stored.getString("_id"));
    for (String field : List.of("routeId", "title", "clientId", "lastSeq", "pointCount")) {
      if (stored.containsKey(field)) {
        json.put(field, stored.getValue(field));
      }
    }
    long lastSeq = stored.getLong("lastSeq");
    boolean finished = stored.getValue("finishedAt") != null;
    json.put("status", DeliveryStatus.of(lastSeq, finished).wireName());
    Optional<Route> route = routes.find(stored.getString("routeId"));
    RouteProgress progress = route.map(r -> progressByRoute.get(r.id())).orElse(null);
    if (progress != null && progress.hasPoint(lastSeq)) {
      int index = (int) lastSeq;
      json.put("lastPosition", route.get().points().get(index).toJson())
          .put("progress", progress.fraction(index))
          .put("distanceCoveredMetres", Math.round(progress.coveredMetres(index)))
          .put("distanceRemainingMetres", Math.round(progress.remainingMetres(index)));
    }
    for (String field : List.of("startedAt", "updatedAt", "finishedAt")) {
      json.put(field, Store.isoDate(stored.getValue(field)));
    }
    return json;
  }

  private static JsonObject positionJson(JsonObject stored) {
    JsonObject json = new JsonObject()
        .put("deliveryId", stored.getString("deliveryId"))
        .put("routeId", stored.getString("routeId"));
    if (stored.containsKey("clientId")) {
      json.put("clientId", stored.getString("clientId"));
    }
    return json.put("seq", stored.getLong("seq"))
        .put("position", stored.getJsonObject("position"))
        .put("finished", stored.getBoolean("finished"))
        .put("timestamp", Store.isoDate(stored.getValue("timestamp")));
  }
}
