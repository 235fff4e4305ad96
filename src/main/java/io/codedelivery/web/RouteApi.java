package io.codedelivery.web;

import io.codedelivery.model.RouteCatalog;
import io.codedelivery.ops.ApiError;
import io.codedelivery.ops.JsonResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /api/routes…}: the route catalogue. */
final class RouteApi {
  private final RouteCatalog routes;

  RouteApi(RouteCatalog routes) {
    this.routes = routes;
  }

  void mount(Router router) {
    router.get("/api/routes").handler(ctx -> JsonResponse.send(ctx, 200, routes.toJson()));
    router.get("/api/routes/:id").handler(this::one);
  }

  private void one(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    routes.find(id).ifPresentOrElse(
        route -> JsonResponse.send(ctx, 200, route.toJson()),
        () -> ApiError.send(ctx, 404, "no route '" + id + "'; known routes: " + routes.ids()));
  }
}
