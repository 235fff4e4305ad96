package io.codedelivery.support;

import io.codedelivery.bridge.LivePositions;
import io.codedelivery.model.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Starting deliveries and watching their positions as the bridge hands them on, in-process. */
public final class Deliveries {
  private Deliveries() {
  }

  public static String start(Vertx vertx, String routeId) throws Exception {
    return vertx.eventBus().<JsonObject>request(Addresses.START_DELIVERY, new JsonObject().put("routeId", routeId))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)
        .body().getString("deliveryId");
  }

  /**
   * Every position the bridge hands to this process's browsers ({@link LivePositions}), by delivery id. It sees them
   * as the bridge hands them on, so it misses nothing between a start reply and a test's own registration.
   */
  public static final class Tap implements AutoCloseable {
    private final Map<String, List<JsonObject>> byDelivery = new ConcurrentHashMap<>();
    private final Runnable stop;

    public Tap(Vertx vertx) {
      stop = LivePositions.of(vertx).listen(vertx.getOrCreateContext(), batch -> batch.forEach(position ->
          byDelivery.computeIfAbsent(position.deliveryId(), id -> new CopyOnWriteArrayList<>()).add(position.json().toJsonObject())));
    }

    public List<JsonObject> positions(String deliveryId) {
      return byDelivery.getOrDefault(deliveryId, List.of());
    }

    public List<Long> seqs(String deliveryId) {
      return positions(deliveryId).stream().map(p -> p.getLong("seq")).toList();
    }

    public boolean finished(String deliveryId) {
      return positions(deliveryId).stream().anyMatch(p -> p.getBoolean("finished"));
    }

    @Override
    public void close() {
      stop.run();
    }
  }
}
