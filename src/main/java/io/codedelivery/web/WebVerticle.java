package io.codedelivery.web;

import io.codedelivery.ops.ManagementRoutes;
import io.codedelivery.ops.HttpServers;
import io.codedelivery.ops.AllowedMethods;
import io.codedelivery.ops.ApiError;
import io.codedelivery.config.AppConfig;
import io.codedelivery.ops.AppContext;
import io.codedelivery.model.Addresses;
import io.codedelivery.model.Fields;
import io.codedelivery.model.RouteCatalog;
import io.codedelivery.model.StartFailure;
import io.codedelivery.persistence.DeliveryQueries;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** HTTP: REST API under {@code /api}, the SockJS bridge at {@code /eventbus}, the map page at {@code /}. */
public final class WebVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WebVerticle.class);

  private final AppContext context;
  private final AppConfig config;
  private final RouteCatalog routes;
  private HttpServer server;

  public WebVerticle(AppContext context) {
    this.context = context;
    this.config = context.config();
    this.routes = context.routes();
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    SecurityHeaders.mount(router, config);
    SameOrigin sameOrigin = new SameOrigin(config.corsAllowedOrigins(), context.metrics());
    new SockJsBridge(vertx, config, context.metrics()).mount(router, sameOrigin);
    ManagementRoutes.mount(router, vertx, context);
    router.get("/api/config").handler(this::pageConfig);
    router.get("/api/routes").handler(ctx -> json(ctx, 200, routes.toJson().encode()));
    router.get("/api/routes/:id").handler(this::route);
    // Only this endpoint takes a body; reading bodies elsewhere would only add ways to fail.
    router.post("/api/deliveries").handler(new JsonOnly(context.metrics())).handler(sameOrigin)
        .handler(BodyHandler.create(false).setBodyLimit(config.bridgeMaxBodyBytes())).handler(this::startDelivery);
    InFlightLimit lists = InFlightLimit.shared(vertx, "delivery-lists", config.maxConcurrentLists());
    new DeliveryApi(DeliveryQueries.create(vertx, config, routes), routes, lists, context.metrics()).mount(router);
    AllowedMethods.complete(router);
    router.route("/api/*").failureHandler(DeliveryApi::failureHandler);
    router.route("/api/*").handler(ctx -> ApiError.send(ctx, 404, "not_found", "no API endpoint " + ctx.request().method() + " " + Fields.abbreviate(ctx.request().path())));
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    router.route().handler(StaticHandler.create("webroot"));
    router.errorHandler(500, ctx -> {
      LOG.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
      ApiError.send(ctx, 500, "internal_error", "the request could not be handled; see the server log");
    });
    for (int status : new int[] {400, 404, 405, 413, 415}) {
      router.errorHandler(status, ctx -> ApiError.send(ctx, status, ApiError.errorFor(status), describe(ctx, status)));
    }
    return HttpServers.create(vertx, config, context.metrics()).requestHandler(router).listen(config.httpPort())
        .onSuccess(s -> {
          server = s;
          LOG.info("Web listening on http://localhost:{}/", s.actualPort());
        });
  }

  private static String describe(RoutingContext ctx, int status) {
    return switch (status) {
      case 404 -> "nothing at " + Fields.abbreviate(ctx.request().path());
      case 405 -> ctx.request().method() + " is not allowed on " + Fields.abbreviate(ctx.request().path());
      case 413 -> "the body is larger than the limit";
      default -> "the request is malformed";
    };
  }

  private void pageConfig(RoutingContext ctx) {
    json(ctx, 200, new JsonObject()
        .put("tilesUrl", config.mapTilesUrl())
        .put("intervalMs", config.simulationIntervalMs())
        .encode());
  }

  private void route(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    routes.find(id).ifPresentOrElse(
        route -> json(ctx, 200, route.toJson().encode()),
        () -> ApiError.send(ctx, 404, "not_found", "no route '" + id + "'; known routes: " + routes.ids()));
  }

  /** Same path into Kafka as a browser's {@code deliveries.start}, so both get the same checks and answers. */
  private void startDelivery(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      ApiError.send(ctx, 400, "bad_request", "the body must be a JSON object like {\"routeId\":\"1\"}");
      return;
    }
    if (body == null) {
      ApiError.send(ctx, 400, "bad_request", "the body must be a JSON object like {\"routeId\":\"1\"}");
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.START_DELIVERY, body)
        .onSuccess(reply -> {
          String id = reply.body().getString("deliveryId");
          ctx.response().putHeader("location", "/api/deliveries/" + id);
          json(ctx, 202, reply.body().encode());
        })
        .onFailure(e -> {
          Optional<StartFailure> refused = e instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
              ? StartFailure.of(reply.failureCode()) : Optional.empty();
          if (refused.isPresent()) {
            int status = httpStatus(refused.get());
            ApiError.send(ctx, status, ApiError.errorFor(status), e.getMessage());
          } else {
            ApiError.send(ctx, 503, "unavailable", "the delivery service is not available; try again");
          }
        });
  }

  private static int httpStatus(StartFailure failure) {
    return switch (failure) {
      case BAD_REQUEST -> 400;
      case UNKNOWN_ROUTE -> 404;
      case TOO_MANY_DELIVERIES -> 429;
      case UNAVAILABLE -> 503;
    };
  }

  private static void json(RoutingContext ctx, int status, String body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
