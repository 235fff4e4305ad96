package io.codedelivery.persistence;

import io.codedelivery.model.Route;
import io.codedelivery.model.RouteCatalog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import java.util.Set;

/**
 * The route catalogue in MongoDB: seeded from the route files, added to by uploads, read by every role (one source of
 * truth). A stored route is its {@link Route#toBody() body} under {@code _id}, whichever way it came in, and is never
 * changed afterwards.
 */
public final class RouteStore {
  private static final FindOptions IDS_ONLY = new FindOptions().setFields(new JsonObject().put("_id", 1));

  private RouteStore() {
  }

  /** Inserts the routes that are not stored yet; stored routes are left as they are, so running twice changes nothing. */
  public static Future<Integer> seed(MongoClient mongo, RouteCatalog files) {
    List<BulkOperation> inserts = files.all().stream().map(RouteStore::insertUnlessStored).toList();
    return mongo.bulkWrite(Store.ROUTES, inserts).map(result -> (int) result.getUpserts().size());
  }

  /**
   * Stores a new route; completes with false, changing nothing, when a route with its id is stored already. One
   * atomic upsert, so two uploads racing for an id cannot both succeed.
   */
  public static Future<Boolean> create(MongoClient mongo, Route route) {
    return mongo.bulkWrite(Store.ROUTES, List.of(insertUnlessStored(route))).map(result -> result.getUpserts().size() == 1);
  }

  private static BulkOperation insertUnlessStored(Route route) {
    return BulkOperation.createUpdate(new JsonObject().put("_id", route.id()),
        new JsonObject().put("$setOnInsert", route.toBody()), true, false);
  }

  public static Future<RouteCatalog> load(MongoClient mongo) {
    return mongo.find(Store.ROUTES, new JsonObject()).map(documents -> new RouteCatalog(routes(documents), source(mongo)));
  }

  /** Where a catalogue learns the routes stored after it was loaded: by id, and every stored id for a listing. */
  static RouteCatalog.Source source(MongoClient mongo) {
    return new RouteCatalog.Source() {
      @Override
      public Future<List<Route>> byIds(Set<String> ids) {
        JsonObject query = new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(List.copyOf(ids))));
        return mongo.find(Store.ROUTES, query).map(RouteStore::routes);
      }

      @Override
      public Future<List<String>> ids() {
        return mongo.findWithOptions(Store.ROUTES, new JsonObject(), IDS_ONLY)
            .map(documents -> documents.stream().map(d -> d.getString("_id")).toList());
      }
    };
  }

  private static List<Route> routes(List<JsonObject> documents) {
    return documents.stream().map(d -> Route.fromBody(d.getString("_id"), d)).toList();
  }
}
