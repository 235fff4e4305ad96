package io.codedelivery.web;

import io.codedelivery.config.AppConfig;
import io.codedelivery.model.Fields;
import io.codedelivery.ops.AllowedMethods;
import io.codedelivery.ops.ApiError;
import io.codedelivery.ops.AppContext;
import io.codedelivery.ops.HttpServers;
import io.codedelivery.ops.ManagementRoutes;
import io.codedelivery.persistence.DeviceStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP: REST API under {@code /api}, the SockJS bridge at {@code /eventbus}, the map page at {@code /}, the driver
 * page at {@code /driver}. Builds the router (security headers, bridge, one API class per resource, static files,
 * error answers) and serves it; what each resource answers is in its API class.
 */
public final class WebVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WebVerticle.class);
  private static final String DRIVER_PAGE_FILE = "/driver.html";

  private final AppContext context;
  private final AppConfig config;
  private HttpServer server;
  private DeliveryApi deliveries;

  public WebVerticle(AppContext context) {
    this.context = context;
    this.config = context.config();
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    SecurityHeaders.mount(router, config);
    SameOrigin sameOrigin = new SameOrigin(config.corsAllowedOrigins(), context.metrics());
    new SockJsBridge(vertx, config, context.metrics()).mount(router, sameOrigin);
    ManagementRoutes.mount(router, vertx, context);
    new PageConfigApi(config).mount(router);
    new RouteApi(vertx, context, sameOrigin).mount(router);
    deliveries = new DeliveryApi(vertx, context, sameOrigin);
    deliveries.mount(router);
    new DeviceApi(DeviceStore.create(vertx, config), context, sameOrigin).mount(router);
    AllowedMethods.complete(router);
    router.route("/api/*").failureHandler(BadParameter::answer);
    router.route("/api/*").handler(ctx -> ApiError.send(ctx, 404, "no API endpoint " + ctx.request().method() + " " + Fields.abbreviate(ctx.request().path())));
    SecurityHeaders.mountDriverPage(router, config, DRIVER_PAGE_FILE);
    router.get("/driver").handler(ctx -> ctx.reroute(DRIVER_PAGE_FILE));
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    router.route().handler(StaticHandler.create("webroot"));
    router.errorHandler(500, ctx -> {
      LOG.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
      ApiError.send(ctx, 500, "the request could not be handled; see the server log");
    });
    for (int status : new int[] {400, 404, 405, 413, 415}) {
      router.errorHandler(status, ctx -> ApiError.send(ctx, status, describe(ctx, status)));
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

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(() -> deliveries == null ? Future.succeededFuture() : deliveries.close());
  }
}
