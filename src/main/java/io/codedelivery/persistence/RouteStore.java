package io.codedelivery.persistence;

import io.codedelivery.model.Route;
import io.codedelivery.model.RouteCatalog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;

/**
 * The route catalogue in MongoDB: seeded from the route files, then read by every role (one source of truth). A
 * stored route is its {@link Route#toBody() body} under {@code _id}.
 */
public final class RouteStore {
  private RouteStore() {
  }

  /** Inserts the routes that are not stored yet; stored routes are left as they are, so running twice changes nothing. */
  public static Future<Integer> seed(MongoClient mongo, RouteCatalog files) {
    List<BulkOperation> inserts = files.all().stream()
        .map(route -> BulkOperation.createUpdate(new JsonObject().put("_id", route.id()),
            new JsonObject().put("$setOnInsert", route.toBody()), true, false))
        .toList();
    return mongo.bulkWrite(Store.ROUTES, inserts).map(result -> (int) result.getUpserts().size());
  }

  public static Future<RouteCatalog> load(MongoClient mongo) {
    return mongo.find(Store.ROUTES, new JsonObject())
        .map(documents -> new RouteCatalog(documents.stream().map(d -> Route.fromBody(d.getString("_id"), d)).toList()));
  }
}
