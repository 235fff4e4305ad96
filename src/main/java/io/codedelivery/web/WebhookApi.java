package io.codedelivery.web;

import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.DeliveryEvent;
import io.codedelivery.model.Fields;
import io.codedelivery.model.InvalidMessageException;
import io.codedelivery.ops.ApiError;
import io.codedelivery.ops.JsonResponse;
import io.codedelivery.webhooks.TargetGuard;
import io.codedelivery.webhooks.Webhook;
import io.codedelivery.webhooks.WebhookStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code /api/webhooks…} (admins only, checked in front of it): registering endpoints for delivery events, turning
 * them off and on, removing them, and what was sent to each. A secret goes in once and never comes back out.
 */
final class WebhookApi {
  private static final String BODY_EXAMPLE =
      "the body must be a JSON object like {\"url\":\"https://example.com/hook\",\"secret\":\"at least 16 characters\",\"events\":[\"delivered\"]}";
  private static final int MAX_BODY_BYTES = 8192;
  static final int MIN_SECRET_CHARS = 16;
  private static final int MAX_SECRET_CHARS = 256;
  private static final Pattern WEBHOOK_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final WebhookStore webhooks;
  private final TargetGuard guard;
  private final PipelineMetrics metrics;

  WebhookApi(WebhookStore webhooks, TargetGuard guard, PipelineMetrics metrics) {
    this.webhooks = webhooks;
    this.guard = guard;
    this.metrics = metrics;
  }

  void mount(Router router) {
    router.get("/api/webhooks").handler(this::list);
    router.post("/api/webhooks").handler(new JsonOnly(metrics)).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(this::create);
    router.patch("/api/webhooks/:id").handler(new JsonOnly(metrics)).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(this::patch);
    router.delete("/api/webhooks/:id").handler(this::remove);
    router.get("/api/webhooks/:id/deliveries").handler(this::deliveries);
  }

  private void list(RoutingContext ctx) {
    StoreAnswer.send(ctx, webhooks.all(), "webhook",
        all -> JsonResponse.send(ctx, 200, new JsonArray(all.stream().map(webhook -> (Object) webhook.toJson()).toList())));
  }

  private void create(RoutingContext ctx) {
    JsonObject body = JsonOnly.bodyObject(ctx, BODY_EXAMPLE);
    if (!(body.getValue("url") instanceof String url)) {
      throw new BadParameter("'url' must be a string: the http or https URL events are POSTed to");
    }
    String secret = secret(body.getValue("secret"));
    Set<DeliveryEvent.Type> events = events(body.getValue("events"));
    guard.check(url).onComplete(checked -> {
      if (checked.failed()) {
        answerRefusal(ctx, checked.cause());
        return;
      }
      Webhook webhook = new Webhook(UUID.randomUUID().toString(), url, secret, events, true, Instant.now().truncatedTo(ChronoUnit.MILLIS));
      StoreAnswer.send(ctx, webhooks.create(webhook), "webhook", created -> {
        ctx.response().putHeader("location", "/api/webhooks/" + webhook.id());
        JsonResponse.send(ctx, 201, webhook.toJson());
      });
    });
  }

  private void patch(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject body = JsonOnly.bodyObject(ctx, "the body must be a JSON object like {\"enabled\":false}");
    if (!(body.getValue("enabled") instanceof Boolean enabled)) {
      throw new BadParameter("'enabled' must be true or false");
    }
    whenKnown(ctx, id, () -> webhooks.setEnabled(id, enabled),
        updated -> updated.ifPresentOrElse(webhook -> JsonResponse.send(ctx, 200, webhook.toJson()), () -> notFound(ctx, id)));
  }

  private void remove(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    whenKnown(ctx, id, () -> webhooks.remove(id),
        removed -> {
          if (removed) {
            ctx.response().setStatusCode(204).end();
          } else {
            notFound(ctx, id);
          }
        });
  }

  private void deliveries(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    whenKnown(ctx, id, () -> webhooks.get(id).compose(found -> found.isEmpty()
            ? Future.succeededFuture(Optional.<JsonArray>empty())
            : webhooks.deliveriesOf(id).map(sent -> Optional.of(new JsonArray(sent.stream().map(d -> (Object) d.toJson()).toList())))),
        found -> found.ifPresentOrElse(list -> JsonResponse.send(ctx, 200, list), () -> notFound(ctx, id)));
  }

  /** Runs the query for a webhook id that can exist; any other id is answered 404 without asking the store. */
  private static <T> void whenKnown(RoutingContext ctx, String id, Supplier<Future<T>> query, Consumer<T> answer) {
    if (!WEBHOOK_ID.matcher(id).matches()) {
      notFound(ctx, id);
      return;
    }
    StoreAnswer.send(ctx, query.get(), "webhook", answer);
  }

  private static void notFound(RoutingContext ctx, String id) {
    ApiError.send(ctx, 404, "no webhook " + Fields.abbreviate(id));
  }

  private static void answerRefusal(RoutingContext ctx, Throwable cause) {
    if (cause instanceof TargetGuard.Refused refused) {
      ApiError.send(ctx, 400, refused.getMessage());
    } else {
      ctx.fail(cause);
    }
  }

  private static String secret(Object value) {
    if (!(value instanceof String secret) || secret.length() < MIN_SECRET_CHARS || secret.length() > MAX_SECRET_CHARS) {
      throw new BadParameter("'secret' must be a string of " + MIN_SECRET_CHARS + " to " + MAX_SECRET_CHARS
          + " characters: the key the receiver checks each request's signature with");
    }
    return secret;
  }

  /** The subscribed types; none given (or an empty list) means every type. */
  private static Set<DeliveryEvent.Type> events(Object value) {
    Set<DeliveryEvent.Type> types = EnumSet.noneOf(DeliveryEvent.Type.class);
    if (value == null) {
      return types;
    }
    if (!(value instanceof JsonArray names)) {
      throw new BadParameter("'events' must be an array of event types (empty for all)");
    }
    for (Object name : names) {
      try {
        types.add(DeliveryEvent.Type.fromWireName(String.valueOf(name)));
      } catch (InvalidMessageException e) {
        throw new BadParameter("'events': " + e.getMessage());
      }
    }
    return types;
  }
}
