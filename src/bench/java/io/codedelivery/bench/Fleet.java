package io.codedelivery.bench;

import io.codedelivery.bridge.LivePositions;
import io.codedelivery.model.Addresses;
import io.codedelivery.model.Route;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps N vehicles on the road: starts deliveries in-process through {@code deliveries.start} (the same request
 * browsers and the REST API make, without their per-connection limits) and starts a new one each time one of its
 * deliveries finishes. It hears the finishes on {@code deliveries.updates}, and taps what the bridge hands its browsers
 * for the highest seq bridged per delivery (used to check the store afterwards).
 */
final class Fleet implements AutoCloseable {
  private static final int MAX_STARTS_IN_FLIGHT = 256;

  private final Vertx vertx;
  private final List<Route> routes;
  private final Watchlist watchlist = new Watchlist();
  private final AtomicInteger routeCursor = new AtomicInteger();
  private final AtomicInteger startsInFlight = new AtomicInteger();
  final AtomicLong started = new AtomicLong();
  final AtomicLong startFailures = new AtomicLong();
  private volatile String lastStartFailure;
  private volatile boolean replacing = true;
  private final MessageConsumer<Object> updates;
  private final Runnable stopTap;

  Fleet(Vertx vertx, List<Route> routes) {
    this.vertx = vertx;
    this.routes = routes;
    updates = vertx.eventBus().consumer(Addresses.DELIVERY_UPDATES, message -> {
      if (message.body() instanceof JsonObject update && "finished".equals(update.getString("type"))) {
        onFinished(update.getString("deliveryId"), update.getLong("seq", -1L));
      }
    });
    stopTap = LivePositions.of(vertx).listen(vertx.getOrCreateContext(), batch -> batch.forEach(this::observe));
  }

  private void observe(LivePositions.Live position) {
    Watchlist.Delivery d = watchlist.get(position.deliveryId());
    if (d != null) {
      long seq = seq(position.json().text());
      if (seq > d.maxBridgedSeq) {
        d.maxBridgedSeq = seq;
      }
    }
  }

  /**
   * The seq of a position as the simulation writes it ({@code "seq":17}, once, at the top level), read without
   * parsing the rest: this tap runs in the measured process for every position.
   */
  private static long seq(String position) {
    int at = position.indexOf("\"seq\":");
    if (at < 0) {
      return -1;
    }
    long seq = 0;
    for (int i = at + "\"seq\":".length(); i < position.length() && Character.isDigit(position.charAt(i)); i++) {
      seq = seq * 10 + (position.charAt(i) - '0');
    }
    return seq;
  }

  /** Starts one delivery, on the next route in turn; retried a second later if refused while replacing. */
  void startOne() {
    Route route = routes.get(Math.floorMod(routeCursor.getAndIncrement(), routes.size()));
    startsInFlight.incrementAndGet();
    vertx.eventBus().<JsonObject>request(Addresses.START_DELIVERY, new JsonObject().put("routeId", route.id()),
            new DeliveryOptions().setSendTimeout(30_000))
        .onComplete(reply -> {
          startsInFlight.decrementAndGet();
          if (reply.succeeded()) {
            String id = reply.result().body().getString("deliveryId");
            watchlist.started(new Watchlist.Delivery(id, route.id(), route.points().size()));
            started.incrementAndGet();
          } else {
            startFailures.incrementAndGet();
            lastStartFailure = reply.cause().getMessage();
            if (replacing) {
              vertx.setTimer(1_000, t -> startOne());
            }
          }
        });
  }

  /** Starts n deliveries spread evenly over spreadMs (so they do not all finish at the same instant). */
  void startInitial(int n, long spreadMs) throws InterruptedException {
    long begin = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long due = begin + (spreadMs * 1_000_000L * i) / Math.max(1, n);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
      }
      while (startsInFlight.get() >= MAX_STARTS_IN_FLIGHT) {
        Thread.sleep(1);
      }
      startOne();
    }
  }

  private void onFinished(String deliveryId, long seq) {
    if (watchlist.finished(deliveryId, seq) != null && replacing) {
      startOne();
    }
  }

  void stopReplacing() {
    replacing = false;
  }

  /** What subscribers in this process watch. */
  Watchlist watchlist() {
    return watchlist;
  }

  String lastStartFailure() {
    return lastStartFailure;
  }

  @Override
  public void close() {
    replacing = false;
    stopTap.run();
    updates.unregister();
  }
}
