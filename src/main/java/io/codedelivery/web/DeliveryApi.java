package io.codedelivery.web;

import io.codedelivery.ops.ApiError;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.Fields;
import io.codedelivery.model.RouteCatalog;
import io.codedelivery.persistence.DeliveryQueries;
import io.codedelivery.persistence.DeliveryStatus;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code GET /api/deliveries…}: delivery state and stored tracks, every parameter checked before any query. */
final class DeliveryApi {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryApi.class);
  private static final Pattern DELIVERY_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;
  static final int MAX_TRACK = 100_000;

  /** Seconds a client turned away as busy is told to wait: a list query takes milliseconds, so the rush is soon over. */
  static final int BUSY_RETRY_AFTER_SECONDS = 1;

  private final DeliveryQueries queries;
  private final RouteCatalog routes;
  private final InFlightLimit lists;
  private final PipelineMetrics metrics;

  DeliveryApi(DeliveryQueries queries, RouteCatalog routes, InFlightLimit lists, PipelineMetrics metrics) {
    this.queries = queries;
    this.routes = routes;
    this.lists = lists;
    this.metrics = metrics;
  }

  void mount(Router router) {
    router.get("/api/deliveries").handler(this::list);
    router.get("/api/deliveries/:id").handler(this::one);
    router.get("/api/deliveries/:id/positions").handler(this::track);
  }

  /** A parameter that cannot be used: answered with 400 and this message. */
  private static final class BadParameter extends RuntimeException {
    BadParameter(String message) {
      super(message, null, false, false);
    }
  }

  private void list(RoutingContext ctx) {
    MultiMap params = ctx.queryParams();
    onlyKnown(params, Set.of("status", "routeId", "limit", "after"));
    String statusName = params.get("status");
    DeliveryStatus status = statusName == null ? null : DeliveryStatus.fromWireName(statusName)
        .orElseThrow(() -> new BadParameter("'status' must be one of started, in-transit, finished"));
    String routeId = params.get("routeId");
    if (routeId != null && routes.find(routeId).isEmpty()) {
      throw new BadParameter("'routeId' names no route; known routes: " + routes.ids());
    }
    String after = params.get("after");
    if (after != null) {
      deliveryId(after, "after");
    }
    int limit = (int) number(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    if (!lists.tryAcquire()) {
      metrics.listTurnedAway();
      LOG.debug("List query from {} turned away: as many as allowed are running", ctx.request().remoteAddress());
      ctx.response().putHeader("retry-after", String.valueOf(BUSY_RETRY_AFTER_SECONDS));
      ApiError.send(ctx, 503, "busy", "too many delivery lists are being read at once; try again in a moment");
      return;
    }
    Future<Optional<DeliveryQueries.Page>> listed = queries.deliveries(new DeliveryQueries.Filter(status, routeId, limit, after));
    listed.onComplete(done -> lists.release());
    answer(ctx, listed, page -> {
      if (page.isPresent()) {
        ok(ctx, page.get().toJson().encode());
      } else {
        ApiError.send(ctx, 400, "bad_request", "'after' names no stored delivery");
      }
    });
  }

  private void one(RoutingContext ctx) {
    onlyKnown(ctx.queryParams(), Set.of());
    String id = deliveryId(ctx.pathParam("id"), "delivery id");
    answer(ctx, queries.delivery(id), found -> {
      if (found.isPresent()) {
        ok(ctx, found.get().encode());
      } else {
        notFound(ctx, id);
      }
    });
  }

  private void track(RoutingContext ctx) {
    onlyKnown(ctx.queryParams(), Set.of("fromSeq"));
    String id = deliveryId(ctx.pathParam("id"), "delivery id");
    long fromSeq = number(ctx.queryParams(), "fromSeq", 0, 0, Integer.MAX_VALUE);
    answer(ctx, queries.track(id, fromSeq, MAX_TRACK), track -> {
      if (track.isPresent()) {
        ok(ctx, track.get().encode());
      } else {
        notFound(ctx, id);
      }
    });
  }

  /** Routes a {@link BadParameter} thrown by a handler to a 400; anything else is not ours to answer. */
  static void failureHandler(RoutingContext ctx) {
    if (ctx.failure() instanceof BadParameter bad) {
      ApiError.send(ctx, 400, "bad_request", bad.getMessage());
    } else {
      ctx.next();
    }
  }

  private static void onlyKnown(MultiMap params, Set<String> known) {
    for (String name : params.names()) {
      if (!known.contains(name)) {
        throw new BadParameter("unknown parameter '" + Fields.abbreviate(name) + "'" + (known.isEmpty() ? "" : "; known: " + String.join(", ", known)));
      }
      if (params.getAll(name).size() > 1) {
        throw new BadParameter("'" + Fields.abbreviate(name) + "' is given more than once");
      }
    }
  }

  private static String deliveryId(String value, String what) {
    if (value == null || !DELIVERY_ID.matcher(value).matches()) {
      throw new BadParameter("'" + Fields.abbreviate(String.valueOf(value)) + "' is not a valid " + what + " (a lower-case UUID)");
    }
    return value;
  }

  private static long number(MultiMap params, String name, long fallback, long min, long max) {
    String value = params.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new BadParameter("'" + name + "' must be a whole number from " + min + " to " + max);
  }

  private static <T> void answer(RoutingContext ctx, Future<T> result, java.util.function.Consumer<T> onSuccess) {
    result.onSuccess(onSuccess::accept).onFailure(e -> {
      LOG.warn("Query for {} failed: {}", ctx.request().path(), e.getMessage());
      ApiError.send(ctx, 503, "unavailable", "the delivery store is not reachable; try again shortly");
    });
  }

  private static void ok(RoutingContext ctx, String json) {
    ctx.response().putHeader("content-type", "application/json").end(json);
  }

  private static void notFound(RoutingContext ctx, String id) {
    ApiError.send(ctx, 404, "not_found", "no delivery " + id);
  }
}
