package io.codedelivery.support;

import io.codedelivery.model.Addresses;
import io.codedelivery.model.EncodedJson;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Starting deliveries and watching their positions on the event bus, in-process. */
public final class Deliveries {
  private Deliveries() {
  }

  public static String start(Vertx vertx, String routeId) throws Exception {
    return vertx.eventBus().<JsonObject>request(Addresses.START_DELIVERY, new JsonObject().put("routeId", routeId))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)
        .body().getString("deliveryId");
  }

  /**
   * Every position the bridge publishes to a {@code delivery.<id>} address, by delivery id. It sees the bus
   * traffic itself, so it misses nothing between a start reply and a test's own registration.
   */
  public static final class Tap implements AutoCloseable {
    private final Vertx vertx;
    private final Map<String, List<JsonObject>> byDelivery = new ConcurrentHashMap<>();
    private final Handler<DeliveryContext<Object>> interceptor = this::observe;

    public Tap(Vertx vertx) {
      this.vertx = vertx;
      vertx.eventBus().addOutboundInterceptor(interceptor);
    }

    private void observe(DeliveryContext<Object> context) {
      String address = context.message().address();
      if (Addresses.isDeliveryAddress(address) && context.message().body() instanceof EncodedJson text) {
        JsonObject position = text.toJsonObject();
        byDelivery.computeIfAbsent(position.getString("deliveryId"), id -> new CopyOnWriteArrayList<>()).add(position);
      }
      context.next();
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
      vertx.eventBus().removeOutboundInterceptor(interceptor);
    }
  }
}
