package io.codedelivery.web;

import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.Fields;
import io.codedelivery.model.Route;
import io.codedelivery.model.RouteCatalog;
import io.codedelivery.model.RouteId;
import io.codedelivery.ops.ApiError;
import io.codedelivery.ops.AppContext;
import io.codedelivery.ops.JsonResponse;
import io.codedelivery.persistence.RouteStore;
import io.codedelivery.persistence.Store;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/routes…}: the route catalogue, and routes uploaded as GeoJSON or GPX. An upload is stored under a new id
 * (or the one {@code ?id=} asks for) and is then known to every process: see {@link RouteCatalog} for how they learn it.
 */
final class RouteApi {
  private static final Logger LOG = LoggerFactory.getLogger(RouteApi.class);
  private static final List<String> GEOJSON = List.of("application/geo+json", "application/json");
  private static final List<String> GPX = List.of("application/gpx+xml", "application/xml", "text/xml");

  private final Vertx vertx;
  private final RouteCatalog routes;
  private final PipelineMetrics metrics;
  private final SameOrigin sameOrigin;
  private final MongoClient store;
  private final int maxPoints;
  private final int maxBodyBytes;

  RouteApi(Vertx vertx, AppContext context, SameOrigin sameOrigin) {
    this.vertx = vertx;
    this.routes = context.routes();
    this.metrics = context.metrics();
    this.sameOrigin = sameOrigin;
    this.store = Store.client(vertx, context.config(), Store.Pool.WRITES);
    this.maxPoints = context.config().routesMaxPoints();
    this.maxBodyBytes = context.config().routesMaxBodyBytes();
  }

  void mount(Router router) {
    router.get("/api/routes").handler(this::list);
    router.get("/api/routes/:id").handler(this::one);
    router.post("/api/routes")
        .handler(new AcceptedMediaTypes(metrics, Stream.concat(GEOJSON.stream(), GPX.stream()).toList()))
        .handler(sameOrigin)
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
        .handler(this::upload)
        .failureHandler(this::tooLarge);
  }

  private void tooLarge(RoutingContext ctx) {
    if (ctx.statusCode() != 413) {
      ctx.next();
      return;
    }
    metrics.clientFault("route_too_large");
    ApiError.send(ctx, 413, "the route file is larger than " + maxBodyBytes + " bytes (routes.max.body.bytes)");
  }

  /** Every stored route, those other processes uploaded included; what this process knows when the store is away. */
  private void list(RoutingContext ctx) {
    routes.refresh().onComplete(refreshed -> {
      if (refreshed.failed()) {
        LOG.debug("Route list answered from memory, the store did not answer: {}", refreshed.cause().toString());
      }
      JsonResponse.send(ctx, 200, routes.toJson());
    });
  }

  private void one(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    routes.lookup(id).onComplete(found -> {
      if (found.failed()) {
        storeAway(ctx, found.cause());
      } else if (found.result().isPresent()) {
        JsonResponse.send(ctx, 200, found.result().get().toJson());
      } else {
        ApiError.send(ctx, 404, "no route '" + Fields.abbreviate(id) + "'; known routes: " + routes.ids());
      }
    });
  }

  /**
   * Parsed off the event loop (a large GPX takes a while), stored with one atomic insert-unless-present, then known
   * here at once and to other processes on their first look-up.
   */
  private void upload(RoutingContext ctx) {
    QueryParameters.onlyKnown(ctx.queryParams(), Set.of("id"));
    String requestedId = ctx.queryParams().get("id");
    if (requestedId != null && !RouteId.isValid(requestedId)) {
      throw new BadParameter("'id' must be " + RouteId.RULE + "; got '" + Fields.abbreviate(requestedId) + "'");
    }
    String id = requestedId != null ? requestedId : RouteId.generate();
    boolean gpx = GPX.contains(AcceptedMediaTypes.mediaType(ctx.request()));
    Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    vertx.executeBlocking(() -> gpx ? GpxRoutes.parse(body, maxPoints) : GeoJsonRoutes.parse(body, maxPoints), false)
        .map(uploaded -> new Route(id, uploaded.name() != null ? uploaded.name() : "Route " + id, uploaded.points()))
        .compose(route -> RouteStore.create(store, route).map(created -> created ? route : null))
        .onSuccess(route -> {
          if (route == null) {
            metrics.clientFault("route_id_taken");
            ApiError.send(ctx, 409, "a route with id '" + id + "' exists already; routes are never replaced");
            return;
          }
          routes.add(route);
          LOG.info("Route {} uploaded as {}: {} points, '{}'", id, gpx ? "GPX" : "GeoJSON", route.points().size(), route.title());
          ctx.response().putHeader("location", "/api/routes/" + id);
          JsonResponse.send(ctx, 201, route.toJson());
        })
        .onFailure(e -> {
          if (e instanceof RouteFormatException bad) {
            metrics.clientFault("invalid_route");
            LOG.debug("Route upload refused: {}", bad.getMessage());
            ApiError.send(ctx, 400, (gpx ? "GPX: " : "GeoJSON: ") + bad.getMessage());
          } else {
            storeAway(ctx, e);
          }
        });
  }

  private static void storeAway(RoutingContext ctx, Throwable cause) {
    LOG.warn("Route request {} {} failed: {}", ctx.request().method(), ctx.request().path(), cause.toString());
    ApiError.send(ctx, 503, "the route store is not reachable; try again shortly");
  }
}
