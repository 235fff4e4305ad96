package io.codedelivery.ops;

import io.codedelivery.model.Fields;
import io.codedelivery.model.LatLon;
import io.codedelivery.model.Position;
import io.codedelivery.model.ReadOnlyJsonCodec;
import io.codedelivery.model.Route;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs synthetic positions through the code every real one takes from Kafka to a browser — the position's JSON
 * encoded as the simulation sends it, parsed and validated as the bridge does, published on the event bus with the
 * bridge's codec, wrapped in the bridge's {@code rec} message and a SockJS frame — before readiness answers 200. On
 * a fresh JVM that code is interpreted and its classes unloaded; without this the first browsers of a new instance
 * paid for it (p99 of several hundred ms in their first seconds). Nothing leaves the process: no Kafka record, no
 * stored position, no delivery; the address is private to this run and no bridge rule permits it.
 */
public final class PositionPathWarmup {
  private static final Logger LOG = LoggerFactory.getLogger(PositionPathWarmup.class);
  /** Positions per event-loop turn: the loop stays free for probes and early requests between turns. */
  private static final int PER_TURN = 250;

  private final Vertx vertx;
  private final int positions;
  private final String address = "warmup." + UUID.randomUUID();
  private final String deliveryId = UUID.randomUUID().toString();
  private final String routeId;
  private final List<LatLon> points;
  private final DeliveryOptions publishOptions = ReadOnlyJsonCodec.options();
  private int published;
  private int framed;

  private PositionPathWarmup(Vertx vertx, Collection<Route> routes, int positions) {
    this.vertx = vertx;
    this.positions = positions;
    Route route = routes.stream().findFirst().orElse(null);
    this.routeId = route == null ? "warmup" : route.id();
    this.points = route == null || route.points().isEmpty() ? List.of(new LatLon(0, 0)) : route.points();
  }

  /** Completes once {@code positions} synthetic positions went through the path (at once for 0). */
  public static Future<Void> run(Vertx vertx, Collection<Route> routes, int positions) {
    if (positions <= 0) {
      return Future.succeededFuture();
    }
    return new PositionPathWarmup(vertx, routes, positions).start();
  }

  private Future<Void> start() {
    Promise<Void> done = Promise.promise();
    Context context = vertx.getOrCreateContext();
    long t0 = System.nanoTime();
    context.runOnContext(v -> {
      EventBus bus = vertx.eventBus();
      MessageConsumer<JsonObject> browser = bus.localConsumer(address);
      browser.handler(message -> {
        // What the SockJS bridge writes for a browser registered to the address: its rec message in an a[…] frame.
        String rec = new JsonObject().put("type", "rec").put("address", address).put("body", message.body()).encode();
        new JsonArray().add(rec).encode();
        if (++framed == positions) {
          browser.unregister().onComplete(x -> {
            LOG.info("Warmed up the position path with {} synthetic positions in {} ms", positions, (System.nanoTime() - t0) / 1_000_000);
            done.complete();
          });
        }
      });
      browser.completion().onSuccess(x -> publishTurn(context, bus)).onFailure(done::tryFail);
    });
    return done.future();
  }

  private void publishTurn(Context context, EventBus bus) {
    int end = Math.min(positions, published + PER_TURN);
    for (; published < end; published++) {
      Position position = new Position(deliveryId, routeId, null, published, points.get(published % points.size()),
          published == positions - 1, Instant.now());
      String record = position.toJson().encode();
      JsonObject json = Fields.parse(record);
      Position.fromJson(json);
      bus.publish(address, json, publishOptions);
    }
    if (published < positions) {
      context.runOnContext(v -> publishTurn(context, bus));
    }
  }
}
