package io.codedelivery.web;

import static io.codedelivery.web.QueryParameters.number;
import static io.codedelivery.web.QueryParameters.onlyKnown;

import io.codedelivery.access.Access;
import io.codedelivery.model.RouteCatalog;
import io.codedelivery.ops.ApiError;
import io.codedelivery.ops.JsonResponse;
import io.codedelivery.persistence.DeliveryQueries;
import io.codedelivery.persistence.EventTimeline;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code /api/track/{token}}: what a customer's tracking link opens, without an account — that one delivery (with
 * its planned route, so the page can draw it) and its stored track. The token is the whole authorization.
 */
final class TrackApi {
  private static final int MAX_TRACK_READS_AT_ONCE = 8;
  private final Access access;
  private final DeliveryQueries queries;
  private final EventTimeline timeline;
  private final RouteCatalog routes;
  private final long intervalMs;
  /** A link needs no account, so its track reads are bounded like the operators' lists. */
  private final InFlightLimit trackReads;
  static final List<String> CUSTOMER_HIDDEN = List.of("deviceId", "clientId");

  TrackApi(Vertx vertx, Access access, DeliveryQueries queries, EventTimeline timeline, RouteCatalog routes, long intervalMs) {
    this.timeline = timeline;
    this.trackReads = InFlightLimit.shared(vertx, "tracking-link-tracks", MAX_TRACK_READS_AT_ONCE);
    this.access = access;
    this.queries = queries;
    this.routes = routes;
    this.intervalMs = intervalMs;
  }

  void mount(Router router) {
    router.get("/api/track/:token").handler(this::delivery);
    router.get("/api/track/:token/positions").handler(this::positions);
    router.get("/api/track/:token/events").handler(this::events);
  }

  private void delivery(RoutingContext ctx) {
    onlyKnown(ctx.queryParams(), Set.of());
    opened(ctx, verdict -> {
      if (verdict.delivery() == null) {
        refuse(ctx, new Access.Refusal(404, "not_found"));
        return;
      }
      JsonObject delivery = forCustomer(verdict.delivery().copy());
      delivery.remove(DeliveryQueries.LINK_VERSION);
      delivery.put("intervalMs", intervalMs);
      String routeId = delivery.getString("routeId");
      Future<JsonObject> withRoute = routeId == null ? Future.succeededFuture(delivery)
          : routes.lookup(routeId).map(route -> route.map(r -> delivery.put("route", new JsonObject().put("id", r.id())
              .put("points", new JsonArray(r.points().stream().map(p -> (Object) p.toJson()).toList())))).orElse(delivery));
      StoreAnswer.send(ctx, withRoute, "delivery", json -> JsonResponse.send(ctx, 200, json));
    });
  }

  private void positions(RoutingContext ctx) {
    onlyKnown(ctx.queryParams(), Set.of("fromSeq"));
    long fromSeq = number(ctx.queryParams(), "fromSeq", 0, 0, DeliveryApi.MAX_SEQ);
    opened(ctx, verdict -> {
      if (!trackReads.tryAcquire()) {
        ctx.response().putHeader("retry-after", "1");
        ApiError.send(ctx, 503, "busy", "too many tracks are being read at once; try again in a moment");
        return;
      }
      Future<Optional<JsonArray>> track = queries.track(verdict.deliveryId(), fromSeq, DeliveryApi.MAX_TRACK);
      track.onComplete(done -> trackReads.release());
      StoreAnswer.send(ctx, track, "delivery", found -> {
        JsonArray positions = found.orElseGet(JsonArray::new);
        positions.forEach(position -> forCustomer((JsonObject) position));
        JsonResponse.send(ctx, 200, positions);
      });
    });
  }

  /** The delivery's events as its operators see them, without what {@link #forCustomer} hides in their details. */
  private void events(RoutingContext ctx) {
    onlyKnown(ctx.queryParams(), Set.of());
    opened(ctx, verdict -> StoreAnswer.send(ctx, timeline.of(verdict.deliveryId()), "delivery", events -> {
      JsonObject json = DeliveryApi.timelineJson(verdict.deliveryId(), events);
      json.getJsonArray("events").forEach(event -> {
        JsonObject details = ((JsonObject) event).getJsonObject("details");
        if (details != null) {
          forCustomer(details);
        }
      });
      JsonResponse.send(ctx, 200, json);
    }));
  }

  /**
   * What a customer's page is shown of a delivery or a position: not the device's id (for a device without a
   * secret, the id is all the ingestion port asks) nor the simulated vehicle's client id.
   */
  static JsonObject forCustomer(JsonObject json) {
    for (String field : CUSTOMER_HIDDEN) {
      json.remove(field);
    }
    return json;
  }

  private void opened(RoutingContext ctx, Consumer<Access.LinkVerdict> then) {
    ctx.response().putHeader("cache-control", "no-store");
    StoreAnswer.send(ctx, access.openLink(ctx.pathParam("token"), queries::delivery), "delivery", verdict -> {
      if (verdict.opened()) {
        then.accept(verdict);
      } else {
        refuse(ctx, verdict.refusal());
      }
    });
  }

  static void refuse(RoutingContext ctx, Access.Refusal refusal) {
    String message = switch (refusal.message()) {
      case "invalid_link" -> "this tracking link is not valid";
      case "link_expired" -> "this tracking link has expired";
      case "link_revoked" -> "this tracking link was withdrawn by the sender";
      default -> "there is no news of this delivery yet; try again in a moment";
    };
    ApiError.send(ctx, refusal.status(), refusal.message(), message);
  }
}
