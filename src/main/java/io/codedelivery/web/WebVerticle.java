package io.codedelivery.web;

import io.codedelivery.access.Access;
import io.codedelivery.config.AppConfig;
import io.codedelivery.model.Fields;
import io.codedelivery.ops.AllowedMethods;
import io.codedelivery.ops.ApiError;
import io.codedelivery.ops.AppContext;
import io.codedelivery.ops.HttpServers;
import io.codedelivery.persistence.DeliveryQueries;
import io.codedelivery.persistence.DeviceStore;
import io.codedelivery.persistence.EventTimeline;
import io.codedelivery.persistence.Store;
import io.codedelivery.webhooks.TargetGuard;
import io.codedelivery.webhooks.WebhookStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.AllowForwardHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP: REST API under {@code /api}, the SockJS bridge at {@code /eventbus}, the map page at {@code /}, the driver
 * page at {@code /driver}, the sign-in page, the users and webhooks pages and customers' tracking pages; who may use which is
 * decided in front of them ({@link AccessGuard}, {@link AccessRules}). Builds the router (security headers, bridge, one API class per resource, static files,
 * error answers) and serves it; what each resource answers is in its API class.
 */
public final class WebVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WebVerticle.class);
  private static final String DRIVER_PAGE_FILE = "/driver.html";
  private static final String USERS_PAGE_FILE = "/users.html";
  private static final String WEBHOOKS_PAGE_FILE = "/webhooks.html";
  private static final String SIGN_IN_PAGE_FILE = "/signin.html";
  private static final String TRACKING_PAGE_FILE = "/track.html";

  private final AppContext context;
  private final AppConfig config;
  private final Access access;
  private HttpServer server;
  private DeliveryApi deliveries;

  public WebVerticle(AppContext context, Access access) {
    this.context = context;
    this.access = access;
    this.config = context.config();
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    if (config.httpTrustForwarded()) {
      // The request's address, scheme and host become the client's, as the proxy saw them (throttling, Secure cookie).
      router.allowForward(AllowForwardHeaders.X_FORWARD);
    }
    SecurityHeaders.mount(router, config);
    SameOrigin sameOrigin = new SameOrigin(config.corsAllowedOrigins(), context.metrics());
    AccessGuard guard = new AccessGuard(access, sameOrigin);
    router.route().handler(guard.identify());
    DeliveryQueries queries = DeliveryQueries.create(vertx, config, context.routes());
    new SockJsBridge(vertx, config, context.metrics(), access, queries).mount(router, sameOrigin, guard.connectionUser());
    // Open without an account: signing in, a customer's tracking link, and the pages' settings.
    new SessionApi(guard, config, context.metrics(), sameOrigin).mount(router);
    new TrackApi(vertx, access, queries, new EventTimeline(Store.client(vertx, config, Store.Pool.READS)), context.routes(),
        config.simulationIntervalMs()).mount(router);
    new PageConfigApi(config).mount(router);
    // Everything else under /api needs an operator allowed to do it.
    router.route("/api/*").handler(ctx -> guard.require(AccessRules.permissionFor(ctx.request().method(), ctx.normalizedPath())).handle(ctx));
    new RouteApi(vertx, context, sameOrigin).mount(router);
    deliveries = new DeliveryApi(vertx, context, sameOrigin, access);
    deliveries.mount(router);
    TrackExportApi tracks = new TrackExportApi(vertx, queries, config.maxConcurrentTrackReads());
    tracks.mount(router);
    new ReportApi(tracks).mount(router);
    new DeviceApi(DeviceStore.create(vertx, config), context, sameOrigin).mount(router);
    new UserApi(access, context.metrics()).mount(router);
    new WebhookApi(new WebhookStore(Store.client(vertx, config, Store.Pool.READS)),
        new TargetGuard(vertx, config.webhookAllowPrivate()), context.metrics()).mount(router);
    AllowedMethods.complete(router);
    router.route("/api/*").failureHandler(BadParameter::answer);
    router.route("/api/*").handler(ctx -> ApiError.send(ctx, 404, "no API endpoint " + ctx.request().method() + " " + Fields.abbreviate(ctx.request().path())));
    mountPages(router, guard);
    Future<Void> staticFilesListed = StaticCaching.mount(vertx, router, "webroot");
    router.errorHandler(500, ctx -> {
      LOG.error("Request {} {} failed", ctx.request().method(), AccessGuard.loggablePath(ctx.request()), ctx.failure());
      ApiError.send(ctx, 500, "the request could not be handled; see the server log");
    });
    for (int status : new int[] {400, 404, 405, 413, 415}) {
      router.errorHandler(status, ctx -> ApiError.send(ctx, status, describe(ctx, status)));
    }
    return staticFilesListed
        .compose(listed -> HttpServers.web(vertx, config, context.metrics()).requestHandler(router).listen(config.httpPort()))
        .onSuccess(s -> {
          server = s;
          LOG.info("Web listening on {}://localhost:{}/", config.tls() ? "https" : "http", s.actualPort());
        });
  }

  /**
   * The operators' pages need a session (else the sign-in page); the sign-in page and a customer's tracking page do
   * not. Scripts, styles and libraries are open: they hold no data, and the open pages need them too.
   */
  private void mountPages(Router router, AccessGuard guard) {
    for (String page : new String[] {"/", "/index.html", USERS_PAGE_FILE, WEBHOOKS_PAGE_FILE, DRIVER_PAGE_FILE}) {
      router.get(page).handler(guard.page());
    }
    router.get("/users").handler(guard.page()).handler(ctx -> ctx.reroute(USERS_PAGE_FILE));
    router.get("/webhooks").handler(guard.page()).handler(ctx -> ctx.reroute(WEBHOOKS_PAGE_FILE));
    SecurityHeaders.mountDriverPage(router, config, DRIVER_PAGE_FILE);
    router.get("/driver").handler(guard.page()).handler(ctx -> ctx.reroute(DRIVER_PAGE_FILE));
    router.get("/signin").handler(ctx -> ctx.reroute(SIGN_IN_PAGE_FILE));
    router.get("/track/:token").handler(ctx -> ctx.reroute(TRACKING_PAGE_FILE));
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
