package io.codedelivery.web;

import static io.codedelivery.web.QueryParameters.deliveryId;
import static io.codedelivery.web.QueryParameters.deviceUniqueId;
import static io.codedelivery.web.QueryParameters.instant;
import static io.codedelivery.web.QueryParameters.number;
import static io.codedelivery.web.QueryParameters.onlyKnown;

import io.codedelivery.access.Access;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.Addresses;
import io.codedelivery.model.DeliveryEvent;
import io.codedelivery.model.Route;
import io.codedelivery.model.RouteCatalog;
import io.codedelivery.model.StartFailure;
import io.codedelivery.ops.ApiError;
import io.codedelivery.ops.AppContext;
import io.codedelivery.ops.JsonResponse;
import io.codedelivery.persistence.DeliveryQueries;
import io.codedelivery.persistence.DeliveryStatus;
import io.codedelivery.persistence.EventTimeline;
import io.codedelivery.persistence.Store;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/deliveries…}: starting a delivery, and reading delivery state and stored tracks, every parameter checked
 * before any query.
 */
final class DeliveryApi {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryApi.class);
  private static final String BODY_EXAMPLE = "the body must be a JSON object like {\"routeId\":\"1\"}";
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;
  static final int MAX_TRACK = 100_000;
  /** A device's seqs are fix times in epoch milliseconds; this bound (2^53 - 1) is the largest a page can hold exactly. */
  static final long MAX_SEQ = 9_007_199_254_740_991L;

  /** Seconds a client turned away as busy is told to wait: a list query takes milliseconds, so the rush is soon over. */
  static final int BUSY_RETRY_AFTER_SECONDS = 1;

  private final EventBus eventBus;
  private final DeliveryQueries queries;
  private final RouteCatalog routes;
  private final InFlightLimit lists;
  private final PipelineMetrics metrics;
  private final SameOrigin sameOrigin;
  private final int maxBodyBytes;
  private final DeviceDeliveryApi devices;
  private final Access access;
  private final EventTimeline timeline;

  DeliveryApi(Vertx vertx, AppContext context, SameOrigin sameOrigin, Access access) {
    this.access = access;
    this.eventBus = vertx.eventBus();
    this.queries = DeliveryQueries.create(vertx, context.config(), context.routes());
    this.timeline = new EventTimeline(Store.client(vertx, context.config(), Store.Pool.READS));
    this.routes = context.routes();
    this.lists = InFlightLimit.shared(vertx, "delivery-lists", context.config().maxConcurrentLists());
    this.metrics = context.metrics();
    this.sameOrigin = sameOrigin;
    this.maxBodyBytes = context.config().bridgeMaxBodyBytes();
    this.devices = new DeviceDeliveryApi(vertx, context, id -> access.trackingUrl(id, 0));
  }

  Future<Void> close() {
    return devices.close();
  }

  void mount(Router router) {
    // Only this endpoint takes a body; reading bodies elsewhere would only add ways to fail.
    router.post("/api/deliveries").handler(new JsonOnly(metrics)).handler(sameOrigin)
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes)).handler(this::start);
    for (DeliveryStatus outcome : new DeliveryStatus[] {DeliveryStatus.DELIVERED, DeliveryStatus.CANCELLED}) {
      String action = outcome == DeliveryStatus.DELIVERED ? "complete" : "cancel";
      router.post("/api/deliveries/:id/" + action).handler(new JsonOnly(metrics)).handler(sameOrigin)
          .handler(ctx -> devices.end(ctx, deliveryId(ctx.pathParam("id"), "delivery id"), outcome));
    }
    router.post("/api/deliveries/:id/tracking-link/revoke").handler(new JsonOnly(metrics)).handler(sameOrigin).handler(this::revokeLink);
    router.get("/api/deliveries").handler(this::list);
    router.get("/api/deliveries/:id").handler(this::one);
    router.get("/api/deliveries/:id/positions").handler(this::track);
    router.get("/api/deliveries/:id/events").handler(this::events);
    router.get("/api/devices/:uniqueId/delivery").handler(this::ofDevice);
  }

  /** Same path into Kafka as a browser's {@code deliveries.start}, so both get the same checks and answers. */
  private void start(RoutingContext ctx) {
    JsonObject body = JsonOnly.bodyObject(ctx, BODY_EXAMPLE);
    if (body.containsKey("deviceId")) {
      devices.assign(ctx, body);
      return;
    }
    eventBus.<JsonObject>request(Addresses.START_DELIVERY, body)
        .onSuccess(reply -> {
          String id = reply.body().getString("deliveryId");
          ctx.response().putHeader("location", "/api/deliveries/" + id);
          JsonResponse.send(ctx, 202, reply.body().copy().put("trackingUrl", access.trackingUrl(id, 0)));
        })
        .onFailure(e -> {
          Optional<StartFailure> refused = e instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
              ? StartFailure.of(reply.failureCode()) : Optional.empty();
          if (refused.isPresent()) {
            ApiError.send(ctx, httpStatus(refused.get()), e.getMessage());
          } else {
            ApiError.send(ctx, 503, "the delivery service is not available; try again");
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

  private void list(RoutingContext ctx) {
    MultiMap params = ctx.queryParams();
    onlyKnown(params, Set.of("status", "routeId", "limit", "after", "from", "to"));
    Set<DeliveryStatus> statuses = statuses(params.get("status"));
    String routeId = params.get("routeId");
    String after = params.get("after");
    if (after != null) {
      deliveryId(after, "after");
    }
    int limit = (int) number(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    Instant from = instant(params, "from", Instant.EPOCH, Store.LATEST_START);
    Instant to = instant(params, "to", Instant.EPOCH, Store.LATEST_START);
    if (from != null && to != null && !from.isBefore(to)) {
      throw new BadParameter("'from' must be before 'to' (from is inclusive, to exclusive)");
    }
    // The filter's route may have been uploaded through another process: the catalogue asks the store before "no route".
    answer(ctx, routeId == null ? Future.succeededFuture(Optional.<Route>empty()) : routes.lookup(routeId), route -> {
      if (routeId != null && route.isEmpty()) {
        ApiError.send(ctx, 400, "'routeId' names no route; known routes: " + routes.ids());
      } else {
        listPage(ctx, new DeliveryQueries.Filter(statuses, routeId, limit, after, from, to));
      }
    });
  }

  /**
   * {@code status=finished} or several, comma-separated ({@code status=finished,delivered,cancelled}: every delivery
   * that has ended, however it ended); none for any status.
   */
  private static Set<DeliveryStatus> statuses(String names) {
    if (names == null) {
      return Set.of();
    }
    Set<DeliveryStatus> statuses = EnumSet.noneOf(DeliveryStatus.class);
    for (String name : names.split(",", -1)) {
      statuses.add(DeliveryStatus.fromWireName(name.trim())
          .orElseThrow(() -> new BadParameter("'status' must be one or more of " + DeliveryStatus.wireNames() + ", comma-separated")));
    }
    return statuses;
  }

  private void listPage(RoutingContext ctx, DeliveryQueries.Filter filter) {
    if (!lists.tryAcquire()) {
      metrics.listTurnedAway();
      LOG.debug("List query from {} turned away: as many as allowed are running", ctx.request().remoteAddress());
      ctx.response().putHeader("retry-after", String.valueOf(BUSY_RETRY_AFTER_SECONDS));
      ApiError.send(ctx, 503, "busy", "too many delivery lists are being read at once; try again in a moment");
      return;
    }
    Future<Optional<DeliveryQueries.Page>> listed = queries.deliveries(filter);
    listed.onComplete(done -> lists.release());
    answer(ctx, listed, page -> {
      if (page.isPresent()) {
        JsonObject json = page.get().toJson();
        json.getJsonArray("items").forEach(item -> withLink((JsonObject) item));
        JsonResponse.send(ctx, 200, json);
      } else {
        ApiError.send(ctx, 400, "'after' names no stored delivery");
      }
    });
  }

  private void one(RoutingContext ctx) {
    onlyKnown(ctx.queryParams(), Set.of());
    String id = deliveryId(ctx.pathParam("id"), "delivery id");
    answer(ctx, queries.delivery(id), found -> {
      if (found.isPresent()) {
        JsonResponse.send(ctx, 200, withLink(found.get()));
      } else {
        notFound(ctx, id);
      }
    });
  }

  /** The delivery a device is on now, as {@code GET /api/deliveries/{id}} shows it: what the driver page shows. */
  private void ofDevice(RoutingContext ctx) {
    onlyKnown(ctx.queryParams(), Set.of());
    String deviceId = deviceUniqueId(ctx.pathParam("uniqueId"));
    answer(ctx, devices.activeDeliveryOf(deviceId).compose(active -> active.isEmpty()
        ? Future.succeededFuture(Optional.<JsonObject>empty()) : queries.delivery(active.get())), found -> {
          if (found.isPresent()) {
            JsonResponse.send(ctx, 200, withLink(found.get()));
          } else {
            ApiError.send(ctx, 404, "device " + deviceId + " has no active delivery");
          }
        });
  }

  /** The delivery's tracking link in place of the version it is at. */
  private JsonObject withLink(JsonObject delivery) {
    Object version = delivery.remove(DeliveryQueries.LINK_VERSION);
    return delivery.put("trackingUrl", access.trackingUrl(delivery.getString("deliveryId"), version instanceof Number n ? n.intValue() : 0));
  }

  /** Withdraws the delivery's tracking link: the old one stops working at once, and the answer carries the new one. */
  private void revokeLink(RoutingContext ctx) {
    String id = deliveryId(ctx.pathParam("id"), "delivery id");
    answer(ctx, queries.revokeTrackingLink(id), version -> {
      if (version.isPresent()) {
        LOG.info("Tracking link of delivery {} revoked by {}", id, AccessGuard.operator(ctx).username());
        JsonResponse.send(ctx, 200, new JsonObject().put("deliveryId", id).put("trackingUrl", access.trackingUrl(id, version.get())));
      } else {
        notFound(ctx, id);
      }
    });
  }

  private void track(RoutingContext ctx) {
    onlyKnown(ctx.queryParams(), Set.of("fromSeq"));
    String id = deliveryId(ctx.pathParam("id"), "delivery id");
    long fromSeq = number(ctx.queryParams(), "fromSeq", 0, 0, MAX_SEQ);
    answer(ctx, queries.track(id, fromSeq, MAX_TRACK), track -> {
      if (track.isPresent()) {
        JsonResponse.send(ctx, 200, track.get());
      } else {
        notFound(ctx, id);
      }
    });
  }

  /** The delivery's events, oldest first; a delivery without any yet is told apart from no delivery at all. */
  private void events(RoutingContext ctx) {
    onlyKnown(ctx.queryParams(), Set.of());
    String id = deliveryId(ctx.pathParam("id"), "delivery id");
    answer(ctx, timeline.of(id).compose(events -> !events.isEmpty() ? Future.succeededFuture(Optional.of(events))
        : queries.delivery(id).map(found -> found.map(delivery -> events))), found -> {
          if (found.isPresent()) {
            JsonResponse.send(ctx, 200, timelineJson(id, found.get()));
          } else {
            notFound(ctx, id);
          }
        });
  }

  /** {@code {"deliveryId":…,"events":[…]}}, the events as on delivery.events, oldest first. */
  static JsonObject timelineJson(String deliveryId, List<DeliveryEvent> events) {
    return new JsonObject().put("deliveryId", deliveryId)
        .put("events", new JsonArray(events.stream().map(event -> (Object) event.toJson()).toList()));
  }

  private static <T> void answer(RoutingContext ctx, Future<T> result, Consumer<T> onSuccess) {
    StoreAnswer.send(ctx, result, "delivery", onSuccess);
  }

  private static void notFound(RoutingContext ctx, String id) {
    ApiError.send(ctx, 404, "no delivery " + id);
  }
}
