package io.codedelivery.persistence;

import io.codedelivery.config.AppConfig;
import io.codedelivery.model.Route;
import io.codedelivery.model.RouteCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** The read side: delivery state and stored tracks, in the same JSON shape the topics and the event bus use. */
public final class DeliveryQueries {
  /** The field of a stored delivery that counts its revoked tracking links (see {@link #revokeTrackingLink}). */
  public static final String LINK_VERSION = "trackingLinkVersion";
  /** Deliveries a filtered page examines at most. */
  public static final int FILTERED_WINDOW = 200;
  private static final JsonObject BY_SEQ = new JsonObject().put("seq", 1);

  private final MongoClient mongo;
  private final Store.Kind kind;
  private final RouteCatalog routes;
  /** Filled as routes are read, uploaded ones included; shared by the event loops of the verticles that share this. */
  private final Map<String, RouteProgress> progressByRoute;

  public DeliveryQueries(MongoClient mongo, Store.Kind kind, RouteCatalog routes) {
    this.mongo = mongo;
    this.kind = kind;
    this.routes = routes;
    this.progressByRoute = new ConcurrentHashMap<>();
  }

  /** Reads through the process's read pool. */
  public static DeliveryQueries create(Vertx vertx, AppConfig config, RouteCatalog routes) {
    return new DeliveryQueries(Store.client(vertx, config, Store.Pool.READS), Store.Kind.of(config), routes);
  }

  /**
   * Filters of the delivery list; null means "any". {@code statuses}: any of these (empty or null: any status, e.g.
   * finished, delivered and cancelled for every delivery that has ended). {@code from} (inclusive) and {@code to}
   * (exclusive) bound the start time.
   */
  public record Filter(Set<DeliveryStatus> statuses, String routeId, int limit, String after, Instant from, Instant to) {
    public Filter {
      statuses = statuses == null || statuses.isEmpty() ? Set.of() : Set.copyOf(statuses);
    }

    public Filter(DeliveryStatus status, String routeId, int limit, String after) {
      this(status == null ? null : Set.of(status), routeId, limit, after, null, null);
    }
  }

  /**
   * A page of deliveries, newest first, and the cursor of the next page (null on the last): the last delivery the
   * page examined, which a filtered page need not have listed.
   */
  public record Page(JsonArray items, String next) {
    public JsonObject toJson() {
      return new JsonObject().put("items", items).put("next", next);
    }
  }

  public Future<Optional<JsonObject>> delivery(String deliveryId) {
    return mongo.findOne(Store.DELIVERIES, new JsonObject().put("_id", deliveryId), null)
        .compose(found -> routes.learn(found == null ? List.of() : routeIdsOf(List.of(found)))
            .map(learned -> Optional.ofNullable(found).map(this::deliveryJson)));
  }

  /** How far a delivery got: its highest stored seq and whether it finished; empty when none is stored. */
  public Future<Optional<Progress>> progress(String deliveryId) {
    return mongo.findOne(Store.DELIVERIES, new JsonObject().put("_id", deliveryId), new JsonObject().put("lastSeq", 1).put("finishedAt", 1))
        .map(found -> Optional.ofNullable(found).map(d -> new Progress(d.getLong("lastSeq"), d.getValue("finishedAt") != null)));
  }

  /** A stored delivery's highest seq, and whether its last position is stored. */
  public record Progress(long lastSeq, boolean finished) {
  }

  /** The highest stored seq of each of these deliveries that has a position stored, in one query. */
  public Future<Map<String, Long>> lastSeqs(Collection<String> deliveryIds) {
    JsonObject query = new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(List.copyOf(deliveryIds))));
    return mongo.findWithOptions(Store.DELIVERIES, query, new FindOptions().setFields(new JsonObject().put("lastSeq", 1)))
        .map(found -> found.stream().filter(d -> d.getValue("lastSeq") != null)
            .collect(Collectors.toMap(d -> d.getString("_id"), d -> d.getLong("lastSeq"))));
  }

  /**
   * A page of the list: a walk of {@link Store#DELIVERIES_NEWEST_FIRST} in {@code _id} order from the cursor on, then
   * the deliveries it names, each fetched by {@code _id}. Both are lookups every MongoDB-wire store answers without
   * reading the whole collection, so a page costs the same with twenty deliveries stored or a million. A filtered page
   * examines at most {@link #FILTERED_WINDOW} deliveries, so a rare status or route cannot make it read everything:
   * it may come back shorter than asked, even empty, with a {@code next} cursor to go on from. Completes with empty
   * when {@code after} names no started delivery.
   */
  public Future<Optional<Page>> deliveries(Filter filter) {
    Future<Optional<String>> cursor = filter.after() == null
        ? Future.succeededFuture(Optional.of(""))
        : mongo.findOne(Store.DELIVERIES, new JsonObject().put("_id", filter.after()), new JsonObject().put("startedAt", 1))
            .map(last -> Optional.ofNullable(last).map(l -> Store.instant(l.getValue("startedAt")))
                .map(start -> Store.newestFirstKey(start, filter.after())));
    Future<Optional<JsonObject>> range = cursor.map(after -> after.map(key -> idRange(key, filter)));
    return range.compose(query -> query.isEmpty()
        ? Future.succeededFuture(Optional.empty())
        : page(query.get(), filter).map(Optional::of));
  }

  /**
   * The stretch of {@link Store#DELIVERIES_NEWEST_FIRST} a page walks: after the cursor ({@code ""} for none), within
   * the start times asked for. Newest first, so {@code to} is the lower end of the {@code _id}s and {@code from} the
   * upper.
   */
  private static JsonObject idRange(String after, Filter filter) {
    JsonObject ids = new JsonObject();
    String lowest = filter.to() == null ? "" : Store.newestFirstBound(filter.to());
    if (after.compareTo(lowest) >= 0 && !after.isEmpty()) {
      ids.put("$gt", after);
    } else if (!lowest.isEmpty()) {
      ids.put("$gte", lowest);
    }
    if (filter.from() != null) {
      ids.put("$lt", Store.newestFirstBound(filter.from()));
    }
    return ids.isEmpty() ? new JsonObject() : new JsonObject().put("_id", ids);
  }

  private Future<Page> page(JsonObject range, Filter filter) {
    boolean filtered = !filter.statuses().isEmpty() || filter.routeId() != null;
    // Unfiltered, one more than asked tells whether a next page exists without a count.
    int window = filtered ? Math.max(FILTERED_WINDOW, filter.limit() + 1) : filter.limit() + 1;
    return mongo.findWithOptions(Store.DELIVERIES_NEWEST_FIRST, range, kind.inIdOrder(window)).compose(entries -> {
      JsonArray ids = new JsonArray();
      entries.forEach(entry -> ids.add(entry.getString("deliveryId")));
      Future<List<JsonObject>> stored = ids.isEmpty() ? Future.succeededFuture(List.of())
          : mongo.find(Store.DELIVERIES, new JsonObject().put("_id", new JsonObject().put("$in", ids)));
      return stored.compose(deliveries -> routes.learn(routeIdsOf(deliveries)).map(deliveries)).map(deliveries -> {
        Map<String, JsonObject> byId = deliveries.stream().collect(Collectors.toMap(d -> d.getString("_id"), d -> d));
        JsonArray items = new JsonArray();
        String lastExamined = null;
        for (JsonObject entry : entries) {
          JsonObject delivery = byId.get(entry.getString("deliveryId"));
          if (!isEntryOf(entry, delivery)) {
            continue;
          }
          if (items.size() == filter.limit()) {
            return new Page(items, lastExamined);
          }
          lastExamined = delivery.getString("_id");
          if (matches(delivery, filter)) {
            items.add(deliveryJson(delivery));
          }
        }
        return new Page(items, entries.size() == window ? lastExamined : null);
      });
    });
  }

  /** The routes of these deliveries, which a process learns (they may have been uploaded elsewhere) before showing progress on them. */
  private static List<String> routeIdsOf(List<JsonObject> deliveries) {
    return deliveries.stream().map(d -> d.getString("routeId")).toList();
  }

  /** False for an entry whose delivery has another start (its seq 0 was produced twice): that start has its own. */
  private static boolean isEntryOf(JsonObject entry, JsonObject delivery) {
    Instant start = delivery == null ? null : Store.instant(delivery.getValue("startedAt"));
    return start != null && entry.getString("_id").equals(Store.newestFirstKey(start, delivery.getString("_id")));
  }

  private static boolean matches(JsonObject delivery, Filter filter) {
    return (filter.routeId() == null || filter.routeId().equals(delivery.getString("routeId")))
        && (filter.statuses().isEmpty() || filter.statuses().contains(statusOf(delivery)));
  }

  private static DeliveryStatus statusOf(JsonObject stored) {
    boolean finished = stored.getValue("finishedAt") != null;
    if (isOfDevice(stored)) {
      return DeliveryStatus.ofDevice(stored.getString("status"), stored.getValue("lastSeq") != null, finished);
    }
    return DeliveryStatus.of(stored.getLong("lastSeq"), finished);
  }

  private static boolean isOfDevice(JsonObject stored) {
    return stored.getString("deviceId") != null;
  }

  /**
   * Counts a delivery's revoked tracking links: its link version moves on, and links of an older version stop
   * working. Empty when there is no such delivery.
   */
  public Future<Optional<Integer>> revokeTrackingLink(String deliveryId) {
    return mongo.findOneAndUpdateWithOptions(Store.DELIVERIES, new JsonObject().put("_id", deliveryId),
            new JsonObject().put("$inc", new JsonObject().put(LINK_VERSION, 1)),
            new FindOptions().setFields(new JsonObject().put(LINK_VERSION, 1)), new UpdateOptions().setReturningNewDocument(true))
        .map(after -> Optional.ofNullable(after).map(updated -> updated.getInteger(LINK_VERSION, 0)));
  }

  /**
   * The stored track from {@code fromSeq} on, ordered by seq; empty when the delivery is unknown. Positions are
   * fetched by {@code _id} ({@code deliveryId:seq} for the seqs its route can have), the one lookup every
   * MongoDB-wire store indexes: the embedded one would scan every stored position for a filter on deliveryId.
   */
  public Future<Optional<JsonArray>> track(String deliveryId, long fromSeq, int limit) {
    return mongo.findOne(Store.DELIVERIES, new JsonObject().put("_id", deliveryId), new JsonObject().put("pointCount", 1).put("deviceId", 1))
        .compose(delivery -> {
          if (delivery == null) {
            return Future.succeededFuture(Optional.empty());
          }
          if (isOfDevice(delivery)) {
            return deviceTrack(deliveryId, fromSeq, limit).map(Optional::of);
          }
          long end = Math.min(delivery.getLong("pointCount", 0L), fromSeq + limit);
          JsonArray ids = new JsonArray();
          for (long seq = fromSeq; seq < end; seq++) {
            ids.add(PositionDocument.key(deliveryId, seq));
          }
          if (ids.isEmpty()) {
            return Future.succeededFuture(Optional.of(new JsonArray()));
          }
          JsonObject query = new JsonObject().put("_id", new JsonObject().put("$in", ids));
          return mongo.findWithOptions(Store.POSITIONS, query, new FindOptions().setSort(BY_SEQ)).map(found -> {
            JsonArray track = new JsonArray();
            found.forEach(p -> track.add(PositionDocument.toJson(p)));
            return Optional.of(track);
          });
        });
  }

  /**
   * A device's track: its seqs are fix times, which cannot be listed in advance, so its positions are found by the
   * prefix {@code deliveryId:} of their {@code _id} — a range of MongoDB's {@code _id} index, and a walk of the
   * embedded store's {@code _id} keys rather than of every stored document. Filtering on anything else as well would
   * lose both.
   */
  private Future<JsonArray> deviceTrack(String deliveryId, long fromSeq, int limit) {
    JsonObject query = new JsonObject().put("_id", new JsonObject().put("$regex", "^" + PositionDocument.keyPrefix(deliveryId)));
    return mongo.findWithOptions(Store.POSITIONS, query, new FindOptions().setSort(BY_SEQ)).map(found -> {
      JsonArray track = new JsonArray();
      found.stream().filter(p -> p.getLong("seq") >= fromSeq).limit(limit).forEach(p -> track.add(PositionDocument.toJson(p)));
      return track;
    });
  }

  /**
   * The stored delivery plus what follows from its last seq on its route: status, where it is and how far it
   * has to go. Only facts that move forward are stored (see {@link PositionWriter}); the rest is derived here.
   */
  private JsonObject deliveryJson(JsonObject stored) {
    if (isOfDevice(stored)) {
      return deviceDeliveryJson(stored);
    }
    JsonObject json = new JsonObject().put("deliveryId", stored.getString("_id"));
    for (String field : List.of("routeId", "title", "clientId", "lastSeq", "pointCount", LINK_VERSION)) {
      if (stored.containsKey(field)) {
        json.put(field, stored.getValue(field));
      }
    }
    long lastSeq = stored.getLong("lastSeq");
    json.put("status", statusOf(stored).wireName());
    Optional<Route> route = routes.find(stored.getString("routeId"));
    RouteProgress progress = route.map(r -> progressByRoute.computeIfAbsent(r.id(), id -> new RouteProgress(r))).orElse(null);
    if (progress != null && progress.hasPoint(lastSeq)) {
      int index = (int) lastSeq;
      json.put("lastPosition", route.get().points().get(index).toJson())
          .put("progress", progress.fraction(index))
          .put("distanceCoveredMetres", Math.round(progress.coveredMetres(index)))
          .put("distanceRemainingMetres", Math.round(progress.remainingMetres(index)));
    }
    return withTimes(json, stored);
  }

  private static JsonObject withTimes(JsonObject json, JsonObject stored) {
    for (String field : List.of("startedAt", "updatedAt", "finishedAt")) {
      json.put(field, Store.isoDate(stored.getValue(field)));
    }
    if (stored.containsKey("endedAt")) {
      json.put("endedAt", Store.isoDate(stored.getValue("endedAt")));
    }
    return json;
  }

  /**
   * A device's delivery: what the operator gave, its status, and the server's own figures from its newest stored
   * position ({@code latest}, kept by seq), which every client was sent with that position.
   */
  private static JsonObject deviceDeliveryJson(JsonObject stored) {
    String id = stored.getString("_id");
    JsonObject json = new JsonObject().put("deliveryId", id);
    for (String field : List.of("deviceId", "destination", "routeId", "title", "reference", "customer", "lastSeq", LINK_VERSION)) {
      if (stored.containsKey(field)) {
        json.put(field, stored.getValue(field));
      }
    }
    json.put("status", statusOf(stored).wireName());
    if (stored.containsKey("promisedBy")) {
      json.put("promisedBy", Store.isoDate(stored.getValue("promisedBy")));
    }
    JsonObject latest = stored.getJsonObject("latest");
    if (latest != null) {
      json.put("lastPosition", latest.getJsonObject("position"));
      for (String field : List.of("progress", "distanceRemainingMetres", "eta")) {
        if (latest.containsKey(field)) {
          json.put(field, latest.getValue(field));
        }
      }
    }
    return withTimes(json, stored);
  }
}
