package io.codedelivery.web;

import io.codedelivery.kafka.KafkaClients;
import io.codedelivery.model.Addresses;
import io.codedelivery.model.DeliveryUpdate;
import io.codedelivery.model.DeviceDeliveryRequest;
import io.codedelivery.model.InvalidMessageException;
import io.codedelivery.model.Position;
import io.codedelivery.model.Route;
import io.codedelivery.model.RouteCatalog;
import io.codedelivery.model.Topics;
import io.codedelivery.ops.ApiError;
import io.codedelivery.ops.AppContext;
import io.codedelivery.ops.JsonResponse;
import io.codedelivery.persistence.DeliveryQueries;
import io.codedelivery.persistence.DeliveryStatus;
import io.codedelivery.persistence.DeviceDeliveries;
import io.codedelivery.persistence.DeviceStore;
import io.codedelivery.persistence.DeviceDeliveries.Assignment;
import io.codedelivery.persistence.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deliveries driven by devices: assigning one ({@code POST /api/deliveries} with a {@code deviceId}), and ending it
 * ({@code POST /api/deliveries/{id}/complete} or {@code /cancel}). An end is a finishing position on
 * {@code route.new-position}, like a simulated delivery's last one, so the bridge, the store and the browsers see it
 * as they see any end; it is produced before the delivery is ended in the store, so a failure in between leaves the
 * delivery active for a retry rather than ended without its end.
 */
final class DeviceDeliveryApi {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceDeliveryApi.class);

  private final EventBus eventBus;
  /** A new delivery's tracking link, at version 0. */
  private final UnaryOperator<String> firstLinkOf;
  private final RouteCatalog routes;
  private final DeviceDeliveries deliveries;
  private final DeviceStore devices;
  private final KafkaProducer<String, String> producer;

  DeviceDeliveryApi(Vertx vertx, AppContext context, UnaryOperator<String> firstLinkOf) {
    this.firstLinkOf = firstLinkOf;
    this.eventBus = vertx.eventBus();
    this.routes = context.routes();
    this.deliveries = new DeviceDeliveries(Store.client(vertx, context.config(), Store.Pool.READS));
    this.devices = DeviceStore.create(vertx, context.config());
    this.producer = KafkaProducer.createShared(vertx, "code-delivery-web",
        KafkaClients.producer(context.config().kafkaConnection()));
    // A failed send is answered to its requester; without a handler Vert.x would log each one again as unhandled.
    producer.exceptionHandler(e -> LOG.debug("End position send failed (answered to its requester): {}", e.toString()));
  }

  Future<Void> close() {
    return producer.close();
  }

  /** The id of the device's active delivery, if it has one. */
  Future<Optional<String>> activeDeliveryOf(String deviceId) {
    return deliveries.active(List.of(deviceId)).map(active -> Optional.ofNullable(active.get(deviceId)).map(Assignment::deliveryId));
  }

  /** 202 with the new delivery's id and link; 409 when the device already has an active delivery. */
  void assign(RoutingContext ctx, JsonObject body) {
    DeviceDeliveryRequest request;
    try {
      request = DeviceDeliveryRequest.fromJson(body);
    } catch (InvalidMessageException e) {
      ApiError.send(ctx, 400, e.getMessage() + "; a device's delivery is {\"deviceId\":\"…\",\"destination\":{\"lat\":…,\"lon\":…}}"
          + " with optional routeId, reference, customer {name} and promisedBy");
      return;
    }
    Future<Optional<Route>> planned = request.routeId() == null
        ? Future.succeededFuture(Optional.empty()) : routes.lookup(request.routeId());
    planned.onComplete(looked -> {
      if (looked.failed()) {
        ApiError.send(ctx, 503, "the route catalogue is not reachable; try again shortly");
      } else if (request.routeId() != null && looked.result().isEmpty()) {
        ApiError.send(ctx, 404, "unknown route '" + request.routeId() + "'; known routes: " + routes.ids());
      } else {
        assign(ctx, request, looked.result());
      }
    });
  }

  private void assign(RoutingContext ctx, DeviceDeliveryRequest request, Optional<Route> planned) {
    String deliveryId = UUID.randomUUID().toString();
    Assignment assignment = new Assignment(request.deviceId(), deliveryId, request.destination(), request.routeId());
    DeviceDeliveries.NewDelivery delivery = new DeviceDeliveries.NewDelivery(assignment,
        planned.map(Route::title).orElse(null), request.reference(), request.customerName(), request.promisedBy());
    Instant now = Instant.now();
    // Optional.empty() stands for "no such device": a delivery for a phone that can never send a fix is refused.
    devices.find(request.deviceId()).compose(device -> device.isEmpty()
        ? Future.succeededFuture(Optional.<Boolean>empty())
        : deliveries.assign(delivery, now).map(Optional::of)).onComplete(done -> {
      if (done.failed()) {
        LOG.warn("Could not assign a delivery to device {}: {}", request.deviceId(), done.cause().getMessage());
        ApiError.send(ctx, 503, "the delivery store is not reachable; try again shortly");
      } else if (done.result().isEmpty()) {
        ApiError.send(ctx, 404, "no device '" + request.deviceId() + "'; register it first (POST /api/devices)");
      } else if (!done.result().get()) {
        ApiError.send(ctx, 409, "device '" + request.deviceId() + "' already has an active delivery; complete or cancel it first");
      } else {
        eventBus.publish(Addresses.DEVICE_ASSIGNMENT_CHANGED, request.deviceId());
        // The maps connected to this process list it at once (a simulated delivery is announced by its seq 0, which
        // a device's never has); seq 0 since it has no position yet. Maps on other processes see it when they list.
        eventBus.publish(Addresses.DELIVERY_UPDATES,
            new DeliveryUpdate(DeliveryUpdate.Kind.STARTED, deliveryId, request.routeId(), 0, now).toJson());
        ctx.response().putHeader("location", "/api/deliveries/" + deliveryId);
        JsonResponse.send(ctx, 202, new JsonObject().put("deliveryId", deliveryId)
            .put("trackingUrl", firstLinkOf.apply(deliveryId)));
      }
    });
  }

  /** 200 with the outcome; 404 for no such delivery; 409 when it already ended or is a simulated one. */
  void end(RoutingContext ctx, String deliveryId, DeliveryStatus outcome) {
    deliveries.find(deliveryId).compose(found -> {
      if (found.isEmpty()) {
        return deliveries.exists(deliveryId).map(exists -> exists
            ? Refusal.of(409, "delivery " + deliveryId + " is simulated: it ends at the end of its route")
            : Refusal.of(404, "no delivery " + deliveryId));
      }
      DeviceDeliveries.Stored delivery = found.get();
      if (delivery.ended()) {
        return Future.succeededFuture(Refusal.of(409, "delivery " + deliveryId + " has already ended"));
      }
      Position end = endPosition(delivery, outcome);
      return producer.send(KafkaProducerRecord.create(Topics.NEW_POSITION, deliveryId, end.toJson().encode()))
          .compose(sent -> deliveries.end(delivery.deviceId(), deliveryId, outcome, end.timestamp()))
          .map(won -> {
            eventBus.publish(Addresses.DEVICE_ASSIGNMENT_CHANGED, delivery.deviceId());
            return won ? null : Refusal.of(409, "delivery " + deliveryId + " has already ended");
          });
    }).onComplete(done -> {
      if (done.failed()) {
        LOG.warn("Could not end delivery {}: {}", deliveryId, done.cause().getMessage());
        ApiError.send(ctx, 503, "the delivery could not be ended now (Kafka or the store is away); try again");
      } else if (done.result() != null) {
        ApiError.send(ctx, done.result().status(), done.result().message());
      } else {
        JsonResponse.send(ctx, 200, new JsonObject().put("deliveryId", deliveryId).put("status", outcome.wireName()));
      }
    });
  }

  private record Refusal(int status, String message) {
    static Refusal of(int status, String message) {
      return new Refusal(status, message);
    }
  }

  /**
   * The finishing position: where the vehicle was last seen (or the destination, if never), after every position
   * stored so far; completed means arrived, so nothing is left, while a cancelled delivery carries no estimate.
   */
  private static Position endPosition(DeviceDeliveries.Stored delivery, DeliveryStatus outcome) {
    Instant now = Instant.now();
    long seq = Math.max(now.toEpochMilli(), delivery.lastSeq() + 1);
    Position.Estimate estimate = outcome == DeliveryStatus.DELIVERED ? new Position.Estimate(0, 1, now) : null;
    return new Position(delivery.deliveryId(), delivery.routeId(), null, seq,
        delivery.lastPosition() == null ? delivery.destination() : delivery.lastPosition(), true, now,
        new Position.Fix(delivery.deviceId(), null, null, null, null, null), estimate);
  }
}
