package io.codedelivery.web;

import static io.codedelivery.web.QueryParameters.number;
import static io.codedelivery.web.QueryParameters.onlyKnown;

import io.codedelivery.access.Access;
import io.codedelivery.model.RouteCatalog;
import io.codedelivery.ops.ApiError;
import io.codedelivery.ops.JsonResponse;
import io.codedelivery.persistence.DeliveryQueries;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code /api/track/{token}}: what a customer's tracking link opens, without an account — that one delivery (with
 * its planned route, so the page can draw it) and its stored track. The token is the whole authorization.
 */
final class TrackApi {
  private final Access access;
  private final DeliveryQueries queries;
  private final RouteCatalog routes;
  private final long intervalMs;

  TrackApi(Access access, DeliveryQueries queries, RouteCatalog routes, long intervalMs) {
    this.access = access;
    this.queries = queries;
    this.routes = routes;
    this.intervalMs = intervalMs;
  }

  void mount(Router router) {
    router.get("/api/track/:token").handler(this::delivery);
    router.get("/api/track/:token/positions").handler(this::positions);
  }

  private void delivery(RoutingContext ctx) {
    onlyKnown(ctx.queryParams(), Set.of());
    opened(ctx, verdict -> {
      JsonObject delivery = verdict.delivery().copy();
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
    opened(ctx, verdict -> StoreAnswer.send(ctx, queries.track(verdict.deliveryId(), fromSeq, DeliveryApi.MAX_TRACK), "delivery",
        track -> JsonResponse.send(ctx, 200, track.orElseGet(JsonArray::new))));
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
