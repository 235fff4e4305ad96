package io.codedelivery.web;

import static io.codedelivery.web.QueryParameters.deviceUniqueId;
import static io.codedelivery.web.QueryParameters.number;
import static io.codedelivery.web.QueryParameters.onlyKnown;

import io.codedelivery.access.DeviceSecret;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.ops.ApiError;
import io.codedelivery.ops.AppContext;
import io.codedelivery.ops.JsonResponse;
import io.codedelivery.persistence.DeviceStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code /api/devices…}: registering the phones and trackers that may post fixes to the ingest port, reading them with
 * their last fix, battery and whether they are online, and removing them. A device registered with a {@code secret}
 * posts only with it (HTTP Basic, as OwnTracks sends it); the secret is stored hashed and never shown again.
 */
final class DeviceApi {
  private static final String BODY_EXAMPLE = "the body must be a JSON object like {\"uniqueId\":\"123456\",\"name\":\"Van 7\"}"
      + " (optionally with \"secret\": the device's password for HTTP Basic)";
  /** A unique id, a name and the JSON around them: far below this. */
  private static final int MAX_BODY_BYTES = 4096;
  static final int MAX_NAME_CHARS = 100;
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private final DeviceStore devices;
  private final PipelineMetrics metrics;
  private final SameOrigin sameOrigin;
  private final Duration offlineAfter;

  DeviceApi(DeviceStore devices, AppContext context, SameOrigin sameOrigin) {
    this.devices = devices;
    this.metrics = context.metrics();
    this.sameOrigin = sameOrigin;
    this.offlineAfter = context.config().deviceOfflineAfter();
  }

  void mount(Router router) {
    router.post("/api/devices").handler(new JsonOnly(metrics)).handler(sameOrigin)
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(this::register);
    router.get("/api/devices").handler(this::list);
    router.get("/api/devices/:uniqueId").handler(this::one);
    router.delete("/api/devices/:uniqueId").handler(sameOrigin).handler(this::remove);
  }

  private void register(RoutingContext ctx) {
    JsonObject body = JsonOnly.bodyObject(ctx, BODY_EXAMPLE);
    String uniqueId = deviceUniqueId(body.getValue("uniqueId") instanceof String id ? id : null);
    Object name = body.getValue("name");
    if (!(name instanceof String text) || text.isBlank() || text.length() > MAX_NAME_CHARS) {
      throw new BadParameter("'name' must be a non-blank string of at most " + MAX_NAME_CHARS + " characters");
    }
    Optional<String> secretHash = secret(body.getValue("secret")).map(DeviceSecret::hash);
    answer(ctx, devices.register(uniqueId, text.strip(), Instant.now(), secretHash), created -> {
      if (!created) {
        ApiError.send(ctx, 409, "a device with uniqueId '" + uniqueId + "' is registered already");
        return;
      }
      ctx.response().putHeader("location", "/api/devices/" + uniqueId);
      answer(ctx, devices.find(uniqueId), found -> found.ifPresentOrElse(
          device -> JsonResponse.send(ctx, 201, toJson(device, Instant.now())),
          () -> notFound(ctx, uniqueId)));
    });
  }

  private static Optional<String> secret(Object value) {
    if (value == null) {
      return Optional.empty();
    }
    String problem = value instanceof String text ? DeviceSecret.problemWith(text) : "'secret' must be a string";
    if (problem != null) {
      throw new BadParameter(problem);
    }
    return Optional.of((String) value);
  }

  private void list(RoutingContext ctx) {
    onlyKnown(ctx.queryParams(), Set.of("limit", "after"));
    String after = ctx.queryParams().get("after");
    if (after != null) {
      deviceUniqueId(after);
    }
    int limit = (int) number(ctx.queryParams(), "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    answer(ctx, devices.page(after, limit), page -> {
      Instant now = Instant.now();
      JsonArray items = new JsonArray();
      page.forEach(device -> items.add(toJson(device, now)));
      String next = page.size() == limit ? page.get(page.size() - 1).uniqueId() : null;
      JsonResponse.send(ctx, 200, new JsonObject().put("items", items).put("next", next));
    });
  }

  private void one(RoutingContext ctx) {
    onlyKnown(ctx.queryParams(), Set.of());
    String uniqueId = deviceUniqueId(ctx.pathParam("uniqueId"));
    answer(ctx, devices.find(uniqueId), found -> found.ifPresentOrElse(
        device -> JsonResponse.send(ctx, 200, toJson(device, Instant.now())),
        () -> notFound(ctx, uniqueId)));
  }

  private void remove(RoutingContext ctx) {
    onlyKnown(ctx.queryParams(), Set.of());
    String uniqueId = deviceUniqueId(ctx.pathParam("uniqueId"));
    answer(ctx, devices.remove(uniqueId), removed -> {
      if (removed) {
        ctx.response().setStatusCode(204).end();
      } else {
        notFound(ctx, uniqueId);
      }
    });
  }

  /**
   * Online while the last fix was taken or received within {@code device.offline.after.seconds}: a phone sending
   * fixes it buffered while offline is online again as soon as they arrive, though their fix times are old.
   */
  private JsonObject toJson(DeviceStore.Device device, Instant now) {
    JsonObject json = new JsonObject().put("uniqueId", device.uniqueId()).put("name", device.name())
        .put("createdAt", device.createdAt() == null ? null : device.createdAt().toString())
        .put("hasSecret", device.hasSecret());
    JsonObject lastFix = device.lastFix();
    Instant lastSeen = lastFix == null ? null : latest(instant(lastFix, "fixTime"), instant(lastFix, "receivedAt"));
    json.put("lastFix", lastFix)
        .put("battery", lastFix == null ? null : lastFix.getValue("battery"))
        .put("lastSeenAt", lastSeen == null ? null : lastSeen.toString())
        .put("online", lastSeen != null && !lastSeen.isBefore(now.minus(offlineAfter)));
    return json;
  }

  private static Instant instant(JsonObject fix, String field) {
    try {
      return fix.getValue(field) instanceof String text ? Instant.parse(text) : null;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Instant latest(Instant a, Instant b) {
    return a == null ? b : b == null || a.isAfter(b) ? a : b;
  }

  private static <T> void answer(RoutingContext ctx, Future<T> result, Consumer<T> onSuccess) {
    StoreAnswer.send(ctx, result, "device", onSuccess);
  }

  private static void notFound(RoutingContext ctx, String uniqueId) {
    ApiError.send(ctx, 404, "no device '" + uniqueId + "'");
  }
}
