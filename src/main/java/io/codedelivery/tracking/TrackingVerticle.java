package io.codedelivery.tracking;

import io.codedelivery.config.AppConfig;
import io.codedelivery.config.KafkaConnection;
import io.codedelivery.kafka.CommitTracker;
import io.codedelivery.kafka.DeadLetters;
import io.codedelivery.kafka.KafkaClients;
import io.codedelivery.kafka.Rewind;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.Addresses;
import io.codedelivery.model.ConsumerGroups;
import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.InvalidMessageException;
import io.codedelivery.model.Position;
import io.codedelivery.model.RouteCatalog;
import io.codedelivery.model.Topics;
import io.codedelivery.ops.AppContext;
import io.codedelivery.persistence.DeliveryStatus;
import io.codedelivery.persistence.DeviceDeliveries;
import io.codedelivery.persistence.DeviceDeliveries.Assignment;
import io.codedelivery.persistence.DeviceStore;
import io.codedelivery.persistence.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Devices' fixes in, positions of their deliveries out. A poll loop in a shared consumer group (device.positions is
 * keyed by device, so one member sees all of a device's fixes, in order): poll a batch, attach each fix to its
 * device's active delivery ({@link FixAttacher}), produce the positions and wait for Kafka's acknowledgement, end the
 * deliveries that arrived, save the devices' state and last fixes, and only then mark the batch done for the commit.
 * A crash before the commit reads the batch again from the state saved before it, which yields the same positions.
 */
public final class TrackingVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TrackingVerticle.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(250);
  private static final long RETRY_AFTER_FAILURE_MS = 1_000;
  /**
   * How long a device's active delivery (or its having none) is believed without asking the store again. Assigning
   * or ending a delivery in this process tells this process's instances at once; other processes notice within this.
   */
  static final long ASSIGNMENT_STALENESS_MS = 5_000;
  /** Devices whose state and delivery are kept in memory at most; beyond, the caches start over from the store. */
  private static final int MAX_CACHED_DEVICES = 100_000;

  private final AppContext context;
  private final PipelineMetrics metrics;
  private final CommitTracker commits = new CommitTracker();
  /** Device id → its state, as saved; loaded on first sight, forgotten when partitions move. */
  private final Map<String, DeviceState> states = new HashMap<>();
  private final Map<String, CachedAssignment> assignments = new HashMap<>();
  private FixAttacher attacher;
  private RouteCatalog routes;
  private KafkaConsumer<String, String> consumer;
  private KafkaProducer<String, String> producer;
  private DeadLetters deadLetters;
  private DeviceDeliveries deliveries;
  private TrackingStates savedStates;
  private DeviceStore deviceStore;
  private volatile boolean running;
  private Future<Void> batchInProgress = Future.succeededFuture();

  private record CachedAssignment(Optional<Assignment> assignment, long loadedAtMs) {
  }

  /** A fix read from the topic, with where it came from. */
  private record Read(KafkaConsumerRecord<String, String> record, DeviceFix fix) {
  }

  public TrackingVerticle(AppContext context) {
    this.context = context;
    this.metrics = context.metrics();
  }

  @Override
  public Future<?> start() {
    AppConfig config = context.config();
    KafkaConnection kafka = config.kafkaConnection();
    routes = context.routes();
    attacher = new FixAttacher(routes, config.arrivalRadiusMetres(), config.arrivalDwell());
    MongoClient mongo = Store.client(vertx, config, Store.Pool.WRITES);
    deliveries = new DeviceDeliveries(mongo);
    savedStates = new TrackingStates(mongo);
    deviceStore = DeviceStore.create(vertx, config);
    producer = KafkaProducer.createShared(vertx, "code-delivery-tracking", KafkaClients.producer(kafka));
    deadLetters = new DeadLetters(vertx, producer, metrics);
    consumer = KafkaConsumer.create(vertx, KafkaClients.cooperative(
        KafkaClients.consumer(kafka, ConsumerGroups.TRACKING, "earliest", config.instanceId())));
    // Devices of partitions that moved may have been tracked elsewhere meanwhile: read their state again.
    consumer.partitionsRevokedHandler(revoked -> {
      commits.forget(revoked);
      forgetDevices();
    });
    consumer.partitionsAssignedHandler(assigned -> forgetDevices());
    vertx.eventBus().<String>localConsumer(Addresses.DEVICE_ASSIGNMENT_CHANGED, changed -> assignments.remove(changed.body()));
    vertx.setPeriodic(CommitTracker.COMMIT_INTERVAL_MS, id -> commitDone());
    running = true;
    return consumer.subscribe(Topics.DEVICE_POSITIONS).onSuccess(v -> {
      LOG.info("Tracking consuming {} as group {}", Topics.DEVICE_POSITIONS, ConsumerGroups.TRACKING);
      pollNext();
    });
  }

  @Override
  public Future<?> stop() {
    running = false;
    deadLetters.stop();
    // The batch being handled finishes and is committed, so a clean stop leaves nothing to read again.
    return batchInProgress.transform(done -> commits.closeAfterLastCommit(consumer)).eventually(producer::close);
  }

  private void forgetDevices() {
    states.clear();
    assignments.clear();
  }

  private void pollNext() {
    if (!running) {
      return;
    }
    batchInProgress = consumer.poll(POLL_TIMEOUT).compose(records -> track(records)
        .recover(error -> Rewind.toStartOf(consumer, records).transform(rewound -> Future.failedFuture(error))));
    batchInProgress.onComplete(done -> {
      if (done.succeeded()) {
        vertx.runOnContext(v -> pollNext());
      } else {
        if (running) {
          LOG.warn("Tracking batch not done, reading it again: {}", done.cause().getMessage());
        }
        // What the failed batch changed in memory was not saved: start again from the store.
        forgetDevices();
        vertx.setTimer(RETRY_AFTER_FAILURE_MS, id -> pollNext());
      }
    });
  }

  private Future<Void> track(KafkaConsumerRecords<String, String> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Read> fixes = new ArrayList<>(records.size());
    List<Future<Void>> rejected = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, String> record = records.recordAt(i);
      commits.begin(new TopicPartition(record.topic(), record.partition()), record.offset());
      try {
        fixes.add(new Read(record, DeviceFix.fromJson(record.value())));
      } catch (InvalidMessageException e) {
        rejected.add(deadLetters.send(record, e.getMessage()));
      }
    }
    Set<String> devices = new LinkedHashSet<>();
    fixes.forEach(read -> devices.add(read.fix().deviceId()));
    return Future.all(rejected)
        .compose(v -> loadStates(devices))
        .compose(v -> activeDeliveries(devices))
        .compose(active -> attachAll(fixes, active))
        .onSuccess(v -> {
          for (int i = 0; i < records.size(); i++) {
            KafkaConsumerRecord<String, String> record = records.recordAt(i);
            commits.done(new TopicPartition(record.topic(), record.partition()), record.offset());
          }
          if (states.size() > MAX_CACHED_DEVICES) {
            forgetDevices();
          }
          commitDone();
        });
  }

  private Future<Void> loadStates(Set<String> devices) {
    List<String> unknown = devices.stream().filter(device -> !states.containsKey(device)).toList();
    if (unknown.isEmpty()) {
      return Future.succeededFuture();
    }
    return savedStates.load(unknown).map(saved -> {
      unknown.forEach(device -> states.put(device, saved.getOrDefault(device, new DeviceState(device))));
      return null;
    });
  }

  /** Each device's active delivery, from the cache while it is fresh, else from the store in one query. */
  private Future<Map<String, Assignment>> activeDeliveries(Set<String> devices) {
    long now = System.currentTimeMillis();
    List<String> stale = devices.stream().filter(device -> {
      CachedAssignment cached = assignments.get(device);
      return cached == null || now - cached.loadedAtMs() > ASSIGNMENT_STALENESS_MS;
    }).toList();
    Future<Void> refreshed = stale.isEmpty() ? Future.succeededFuture() : deliveries.active(stale).map(found -> {
      stale.forEach(device -> assignments.put(device, new CachedAssignment(Optional.ofNullable(found.get(device)), now)));
      return null;
    });
    return refreshed.map(v -> {
      Map<String, Assignment> active = new HashMap<>();
      devices.forEach(device -> assignments.get(device).assignment().ifPresent(a -> active.put(device, a)));
      return active;
    }).compose(active -> {
      // A planned route uploaded since this process started is learned before the estimate is made along it.
      Set<String> planned = new HashSet<>();
      active.values().forEach(a -> {
        if (a.routeId() != null) {
          planned.add(a.routeId());
        }
      });
      return routes.learn(planned).map(active);
    });
  }

  /**
   * Attaches the batch's fixes in order, then: positions produced and acknowledged, arrived deliveries ended, state
   * and last fixes saved. The finishing position is produced before the delivery is ended in the store, so a crash
   * in between produces it again (the same position) rather than leaving an ended delivery without its end.
   */
  private Future<Void> attachAll(List<Read> fixes, Map<String, Assignment> active) {
    List<Position> positions = new ArrayList<>();
    List<Assignment> arrived = new ArrayList<>();
    Set<DeviceState> changed = new LinkedHashSet<>();
    Map<String, DeviceFix> newestFixes = new LinkedHashMap<>();
    for (Read read : fixes) {
      DeviceFix fix = read.fix();
      DeviceState state = states.get(fix.deviceId());
      long fixMs = fix.fixTime().toEpochMilli();
      if (fixMs > state.deviceNewestFixMs) {
        state.deviceNewestFixMs = fixMs;
        newestFixes.put(fix.deviceId(), fix);
        changed.add(state);
      }
      Assignment delivery = active.get(fix.deviceId());
      if (delivery == null) {
        metrics.fixTracked("unassigned");
        LOG.debug("Fix of device {} at {} dropped: no active delivery", fix.deviceId(), fix.fixTime());
        continue;
      }
      FixAttacher.Attached attached = attacher.attach(state, fix, delivery);
      metrics.fixTracked(attached.kind().name().toLowerCase(Locale.ROOT));
      changed.add(state);
      if (attached.position() == null) {
        continue;
      }
      positions.add(attached.position());
      if (attached.position().finished()) {
        arrived.add(delivery);
        // Fixes after the arrival belong to no delivery; the store will say so once it is ended.
        active.remove(fix.deviceId());
      }
    }
    // The state and the last fixes are in two collections, independent of each other: one round trip, not two in a row.
    return produce(positions)
        .compose(v -> endArrived(arrived))
        .compose(v -> Future.all(savedStates.save(changed), deviceStore.recordNewest(newestFixes.values())).mapEmpty());
  }

  /** Sent in order, so each delivery's positions keep it on its partition; done once Kafka acknowledged them all. */
  private Future<Void> produce(List<Position> positions) {
    List<Future<?>> sent = new ArrayList<>(positions.size());
    for (Position position : positions) {
      sent.add(producer.send(KafkaProducerRecord.create(Topics.NEW_POSITION, position.deliveryId(), position.toJson().encode())));
    }
    return Future.all(sent).mapEmpty();
  }

  private Future<Void> endArrived(List<Assignment> arrived) {
    List<Future<Boolean>> ended = new ArrayList<>(arrived.size());
    for (Assignment delivery : arrived) {
      ended.add(deliveries.end(delivery.deviceId(), delivery.deliveryId(), DeliveryStatus.DELIVERED, Instant.now())
          .onSuccess(won -> {
            assignments.remove(delivery.deviceId());
            if (won) {
              LOG.info("Delivery {} arrived (device {})", delivery.deliveryId(), delivery.deviceId());
            }
          }));
    }
    return Future.all(ended).mapEmpty();
  }

  private void commitDone() {
    commits.commitDone(consumer).onFailure(e -> LOG.debug("Tracking commit failed, will retry: {}", e.getMessage()));
  }
}
