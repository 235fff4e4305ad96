package io.codedelivery.bridge;

import io.codedelivery.config.KafkaConnection;
import io.codedelivery.kafka.CommitTracker;
import io.codedelivery.kafka.KafkaClients;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.Addresses;
import io.codedelivery.model.ConsumerGroups;
import io.codedelivery.model.DeliveryUpdate;
import io.codedelivery.model.Direction;
import io.codedelivery.model.EncodedJson;
import io.codedelivery.model.Fields;
import io.codedelivery.model.InvalidMessageException;
import io.codedelivery.model.Position;
import io.codedelivery.model.RouteCatalog;
import io.codedelivery.model.StartFailure;
import io.codedelivery.model.Topics;
import io.codedelivery.ops.AppContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka ↔ event bus. Inbound, {@code deliveries.start} requests become {@code route.new-direction} records.
 * Outbound, every {@code route.new-position} record goes to the browsers watching {@code delivery.<id>} (a poll's
 * batch at a time, through {@link LivePositions}), plus lifecycle events on {@code deliveries.updates}, and every
 * {@code bridge.fleet.interval.ms} the latest state of each delivery that moved on {@code deliveries.fleet} (to this
 * process's browsers; see {@link FleetFeed}). Each process consumes positions in a group of its own, because its
 * browsers must see every position; bridge instances inside one process share that group.
 */
public final class BridgeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeVerticle.class);
  private final AppContext context;
  private final RouteCatalog routes;
  private final PipelineMetrics metrics;
  private final DeliveryAdmission admission;
  private final CommitTracker commits = new CommitTracker();
  private final FleetFeed fleet = new FleetFeed();
  /**
   * How long a fetch of positions may wait for more: at most this much is added to a position's way to the browsers,
   * and the consumer fetches at most 50 times a second however many positions flow (a third of the bridge's CPU
   * per position went to fetches of a few records each).
   */
  static final int POSITIONS_FETCH_WAIT_MS = 20;
  private static final DeliveryOptions LOCAL_ONLY = new DeliveryOptions().setLocalOnly(true);
  /** The positions of the batch being handled, for the browsers ({@link LivePositions}); a new list each batch. */
  private List<LivePositions.Live> batch = new ArrayList<>();
  private final List<JsonObject> updates = new ArrayList<>();
  private LivePositions live;
  private KafkaProducer<String, String> producer;
  private KafkaConsumer<String, String> consumer;
  private long fleetTimer = -1;

  public BridgeVerticle(AppContext context, DeliveryAdmission admission) {
    this.context = context;
    this.routes = context.routes();
    this.metrics = context.metrics();
    this.admission = admission;
  }

  @Override
  public Future<?> start() {
    KafkaConnection kafka = context.config().kafkaConnection();
    String groupId = ConsumerGroups.bridge(context.config().instanceId());
    producer = KafkaProducer.createShared(vertx, "code-delivery-bridge", KafkaClients.producer(kafka));
    // A failed send is answered to its requester; without a handler Vert.x would log each one again as unhandled.
    producer.exceptionHandler(e -> LOG.debug("Direction send failed (answered to its requester): {}", e.toString()));
    // Stored tracks come from the read API; the bridge shows what happens from now on.
    consumer = ProcessConsumer.createBatching(vertx, context.config(), groupId, POSITIONS_FETCH_WAIT_MS);
    live = LivePositions.of(vertx);
    ProcessConsumer.handleEach(consumer, commits, this::onPosition, this::afterBatch);
    vertx.eventBus().<Object>consumer(Addresses.START_DELIVERY, this::startDelivery);
    fleetTimer = vertx.setPeriodic(context.config().bridgeFleetIntervalMs(), timer -> publishFleet());
    return ProcessConsumer.subscribe(vertx, consumer, commits, Topics.NEW_POSITION)
        .onSuccess(v -> LOG.info("Bridge consuming {} as group {}", Topics.NEW_POSITION, groupId));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(fleetTimer);
    return commits.closeAfterLastCommit(consumer).eventually(producer::close);
  }

  private void startDelivery(Message<Object> request) {
    if (!(request.body() instanceof JsonObject body)) {
      request.fail(StartFailure.BAD_REQUEST.code(), "the body must be a JSON object like {\"routeId\":\"1\"}");
      return;
    }
    Object routeId = body.getValue("routeId");
    if (!(routeId instanceof String id) || id.isBlank()) {
      request.fail(StartFailure.BAD_REQUEST.code(), "'routeId' is required and must be a string, e.g. {\"routeId\":\"1\"}");
      return;
    }
    Object clientId = body.getValue("clientId");
    if (clientId != null && !(clientId instanceof String)) {
      request.fail(StartFailure.BAD_REQUEST.code(), "'clientId' must be a string when present");
      return;
    }
    // A route uploaded through another process is not known here yet: the catalogue asks the store before "unknown".
    routes.lookup(id).onComplete(found -> {
      if (found.failed()) {
        LOG.warn("Could not look up route {}: {}", Fields.abbreviate(id), found.cause().getMessage());
        request.fail(StartFailure.UNAVAILABLE.code(), "the route catalogue could not be read; try again");
      } else if (found.result().isEmpty()) {
        request.fail(StartFailure.UNKNOWN_ROUTE.code(), "unknown route '" + Fields.abbreviate(id) + "'; known routes: " + routes.ids());
      } else {
        queue(request, new Direction(UUID.randomUUID().toString(), id, (String) clientId, Instant.now()));
      }
    });
  }

  private void queue(Message<Object> request, Direction direction) {
    if (!admission.tryAdmit(direction.deliveryId())) {
      request.fail(StartFailure.TOO_MANY_DELIVERIES.code(), "too many active deliveries (" + context.config().maxActiveDeliveries()
          + "); try again when some finish");
      return;
    }
    producer.send(KafkaProducerRecord.create(Topics.NEW_DIRECTION, direction.deliveryId(), direction.toJson().encode()))
        .onSuccess(sent -> request.reply(new JsonObject().put("deliveryId", direction.deliveryId())))
        .onFailure(e -> {
          admission.release(direction.deliveryId());
          LOG.warn("Could not queue delivery on route {}: {}", direction.routeId(), e.getMessage());
          request.fail(StartFailure.UNAVAILABLE.code(), "the delivery could not be queued (Kafka unavailable); try again");
        });
  }

  /**
   * Each process's bridge sees every position (its group is its own), so it tells only its own browsers: a batch
   * sent across a clustered bus would reach them once per process.
   */
  private void publishFleet() {
    EncodedJson batch = fleet.drain();
    if (batch != null) {
      vertx.eventBus().publish(Addresses.FLEET, batch, LOCAL_ONLY);
    }
  }

  private void onPosition(ConsumerRecord<String, String> record) {
    try {
      // Checked, and passed on as the text it came as: the browsers get it as it is on the topic.
      Position position = Position.fromJson(record.value());
      EncodedJson json = new EncodedJson(record.value());
      batch.add(new LivePositions.Live(Addresses.delivery(position.deliveryId()), position.deliveryId(), json));
      fleet.take(position.deliveryId(), position.seq(), json);
      metrics.bridged(Duration.between(position.timestamp(), Instant.now()));
      admission.seen(position.deliveryId());
      if (position.seq() == 0) {
        updates.add(DeliveryUpdate.of(DeliveryUpdate.Kind.STARTED, position).toJson());
      }
      if (position.finished()) {
        admission.release(position.deliveryId());
        updates.add(DeliveryUpdate.of(DeliveryUpdate.Kind.FINISHED, position).toJson());
      }
    } catch (InvalidMessageException e) {
      // Dead-lettering is the job of the shared-group consumers; every bridge group would repeat it.
      LOG.debug("Skipping unusable position {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
    }
  }

  /**
   * A poll's positions to the browsers, then its lifecycle updates: each browser's event loop gets them in that
   * order, so a delivery's finishing position comes before the update that says it finished.
   */
  private void afterBatch() {
    if (!batch.isEmpty()) {
      live.publish(batch);
      batch = new ArrayList<>();
    }
    EventBus bus = vertx.eventBus();
    updates.forEach(update -> bus.publish(Addresses.DELIVERY_UPDATES, update));
    updates.clear();
  }
}
