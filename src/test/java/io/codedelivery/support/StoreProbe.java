package io.codedelivery.support;

import io.codedelivery.Application;
import io.codedelivery.model.RouteCatalog;
import io.codedelivery.persistence.DeliveryQueries;
import io.codedelivery.persistence.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/** Reads what the application stored, through the ordinary MongoDB driver, for assertions. */
public final class StoreProbe {
  private final MongoClient mongo;
  private final DeliveryQueries queries;
  private final RouteCatalog routes;

  public StoreProbe(Application app) {
    mongo = Store.client(app.vertx(), app.config(), Store.Pool.READS);
    routes = app.routes();
    queries = new DeliveryQueries(mongo, Store.Kind.of(app.config()), routes);
  }

  public MongoClient mongo() {
    return mongo;
  }

  /** The read side as the application has it, on this probe's connections. */
  public DeliveryQueries queries() {
    return queries;
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stored seqs of one delivery, sorted, duplicates kept (there must be none). */
  public List<Long> storedSeqs(String deliveryId) {
    return await(mongo.findWithOptions(Store.POSITIONS, new JsonObject().put("deliveryId", deliveryId),
        new FindOptions().setSort(new JsonObject().put("seq", 1)))).stream().map(p -> p.getLong("seq")).toList();
  }

  /** Every seq of the stored delivery's route, 0..points-1: what the store holds of it once it finished. */
  public List<Long> wholeTrack(String deliveryId) {
    int points = routes.require(delivery(deliveryId).getString("routeId")).points().size();
    return LongStream.range(0, points).boxed().toList();
  }

  /** A delivery's state as the read side gives it (stored facts plus what follows from them); null if none. */
  public JsonObject delivery(String deliveryId) {
    return await(queries.delivery(deliveryId)).orElse(null);
  }

  public boolean isFinished(String deliveryId) {
    JsonObject delivery = delivery(deliveryId);
    return delivery != null && "finished".equals(delivery.getString("status"));
  }
}
