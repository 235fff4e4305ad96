package io.codedelivery.tracking;

import io.codedelivery.config.AppConfig;
import io.codedelivery.kafka.BatchLoop;
import io.codedelivery.kafka.GroupCatchUp;
import io.codedelivery.kafka.KafkaClients;
import io.codedelivery.kafka.ReplayBoundary;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.Addresses;
import io.codedelivery.model.ConsumerGroups;
import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.Fields;
import io.codedelivery.model.Position;
import io.codedelivery.model.RouteCatalog;
import io.codedelivery.model.Topics;
import io.codedelivery.ops.AppContext;
import io.codedelivery.persistence.DeliveryQueries;
import io.codedelivery.persistence.DeliveryStatus;
import io.codedelivery.persistence.DeviceDeliveries.Assignment;
import io.codedelivery.persistence.DeviceDeliveries;
import io.codedelivery.persistence.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Devices' fixes in, positions of their deliveries out; the simulation's vehicles are devices too. A poll loop in a
 * shared consumer group (device.positions is keyed by device, so one member sees all of a device's fixes, in order):
 * poll a batch, attach each fix to its device's active delivery ({@link FixAttacher}), produce the positions and wait
 * for Kafka's acknowledgement, end the deliveries that arrived. The devices' state, each with its last fix, is saved
 * every {@code checkpoint.interval.ms} (a second), one write per device however many fixes it sent, and only then
 * are the batches marked done for the commit. A crash before the commit reads those batches again from the state saved
 * before them, which yields the same positions. A simulated vehicle's fix already names its delivery and its place on
 * the route, so it becomes its position as it is ({@link DeviceFix#simulatedPosition()}); all that is kept of it is the
 * highest seq passed on, so that fixes read again after a take-over are not passed on twice.
 */
public final class TrackingVerticle extends VerticleBase implements BatchLoop.Stage<DeviceFix> {
  private static final Logger LOG = LoggerFactory.getLogger(TrackingVerticle.class);
  /**
   * How long a device's active delivery (or its having none) is believed without asking the store again. Assigning
   * or ending a delivery in this process tells this process's instances at once; other processes notice within this.
   */
  static final long ASSIGNMENT_STALENESS_MS = 5_000;
  /**
   * How long an instance that took partitions over waits for the store to hold every position produced before, to
   * learn where the simulated deliveries it now reads had got to. Bounded, as the simulation's own wait is: the store
   * may be far behind, or no process may run the persistence role; then it goes on after what the store holds.
   */
  static final long STORE_CATCH_UP_TIMEOUT_MS = 15_000;
  static final int FETCH_WAIT_MS = 5;

  private final AppContext context;
  /** {@code checkpoint.interval.ms}, asked for after every batch. */
  private final long checkpointIntervalMs;
  private final PipelineMetrics metrics;
  /** Device id → its state, as saved; loaded on first sight, forgotten when partitions move. */
  private final Map<String, DeviceState> states = new HashMap<>();
  private final Map<String, CachedAssignment> assignments = new HashMap<>();
  /** Devices whose active delivery the store is being asked for again. */
  private final Set<String> refreshing = new HashSet<>();
  /** The devices whose state changed since the last checkpoint. */
  private final Set<DeviceState> unsavedStates = new LinkedHashSet<>();
  /**
   * Simulated deliveries under way → the highest seq passed on, or stored before their fixes were read again: the fixes
   * a previous owner of the partition (or this instance, before a rewind) passed on but did not commit are read again,
   * and are not passed on a second time.
   */
  private final Map<String, Long> simulatedSeqs = new HashMap<>();
  /**
   * Which fixes may have been passed on already (they were on the topic when their partition came here, or were read
   * before a rewind): only a simulated delivery first met among them is looked up in the store; one first met beyond
   * is new, so the steady flow of new deliveries costs no query.
   */
  private ReplayBoundary replayed;
  /** Per partition: the offset after the last record handled. */
  private final Map<TopicPartition, Long> readUpTo = new HashMap<>();
  /** Completes once the store holds every position produced before the last assignment or rewind; null until needed. */
  private Future<Void> storeCaughtUp;
  private DeliveryQueries storedDeliveries;
  private KafkaAdminClient admin;
  private FixAttacher attacher;
  private RouteCatalog routes;
  private KafkaProducer<String, String> producer;
  private BatchLoop<DeviceFix> loop;
  private DeviceDeliveries deliveries;
  private TrackingStates savedStates;

  private record CachedAssignment(Optional<Assignment> assignment, long loadedAtMs) {
  }

  public TrackingVerticle(AppContext context) {
    this.context = context;
    this.metrics = context.metrics();
    this.checkpointIntervalMs = context.config().checkpointIntervalMs();
  }

  @Override
  public Future<?> start() {
    AppConfig config = context.config();
    routes = context.routes();
    attacher = new FixAttacher(routes, config.arrivalRadiusMetres(), config.arrivalDwell());
    MongoClient mongo = Store.client(vertx, config, Store.Pool.WRITES);
    deliveries = new DeviceDeliveries(mongo);
    savedStates = new TrackingStates(mongo);
    storedDeliveries = new DeliveryQueries(mongo, Store.Kind.of(config), routes);
    admin = KafkaAdminClient.create(vertx, KafkaClients.admin(config.kafkaConnection()));
    replayed = new ReplayBoundary(admin, "every simulated delivery met there is looked up");
    producer = KafkaProducer.createShared(vertx, "code-delivery-tracking", KafkaClients.producer(config.kafkaConnection()));
    loop = BatchLoop.create(vertx, "Tracking", config, ConsumerGroups.TRACKING, producer, metrics, DeviceFix::fromJson,
        BatchLoop.Unusable.DEAD_LETTER, this);
    vertx.eventBus().<String>localConsumer(Addresses.DEVICE_ASSIGNMENT_CHANGED, changed -> assignments.remove(changed.body()));
    return loop.start(Topics.DEVICE_POSITIONS);
  }

  @Override
  public Future<?> stop() {
    return loop.stop().eventually(admin::close);
  }

  @Override
  public int remembered() {
    return states.size() + simulatedSeqs.size();
  }

  /** Devices of partitions that moved may have been tracked elsewhere meanwhile: their state is read again. */
  @Override
  public void forget() {
    states.clear();
    assignments.clear();
    refreshing.clear();
    unsavedStates.clear();
    simulatedSeqs.clear();
    replayed.rewound(readUpTo);
    storeCaughtUp = null;
  }

  /** What these partitions hold now may have been passed on by their previous owner. */
  @Override
  public void partitionsAssigned(Set<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    storeCaughtUp = null;
    replayed.assigned(partitions);
  }

  /**
   * The simulation's vehicles send the whole fleet's fixes through this stage: a fetch answered at the first byte read
   * them a few at a time, each batch with its own produce and acknowledgement. 5 ms of them at once is a fraction of a
   * phone's latency.
   */
  @Override
  public int fetchWaitMs() {
    return FETCH_WAIT_MS;
  }

  /**
   * Saving after every batch cost more than the rest of the stage (the embedded store's worker was the busiest
   * thread): a device sends a fix every second or so, and each batch wrote its state and its last fix.
   */
  @Override
  public long checkpointIntervalMs() {
    return checkpointIntervalMs;
  }

  /** One write per device, its last fix included. */
  @Override
  public Future<Void> checkpoint() {
    Future<Void> saved = savedStates.save(unsavedStates);
    unsavedStates.clear();
    return saved;
  }

  @Override
  public Future<Void> handle(List<BatchLoop.Read<DeviceFix>> fixes) {
    return replayed.known().compose(known -> handleKnowingAssignments(fixes));
  }

  private Future<Void> handleKnowingAssignments(List<BatchLoop.Read<DeviceFix>> fixes) {
    Set<String> devices = new LinkedHashSet<>();
    Set<String> simulatedToLookUp = new LinkedHashSet<>();
    for (BatchLoop.Read<DeviceFix> read : fixes) {
      TopicPartition partition = new TopicPartition(read.record().topic(), read.record().partition());
      readUpTo.put(partition, read.record().offset() + 1);
      DeviceFix.Simulated simulated = read.value().simulated();
      if (simulated == null) {
        devices.add(read.value().deviceId());
      } else if (!simulatedSeqs.containsKey(simulated.deliveryId())) {
        if (replayed.mayHaveBeenHandled(partition, read.record().offset())) {
          simulatedToLookUp.add(simulated.deliveryId());
        }
        simulatedSeqs.put(simulated.deliveryId(), -1L);
      }
    }
    return loadStates(devices)
        .compose(v -> loadSimulatedSeqs(simulatedToLookUp))
        .compose(v -> activeDeliveries(devices))
        .compose(active -> attachAll(fixes, active));
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

  /**
   * Where simulated deliveries first met among fixes read again had got to: their highest stored seq, read once the
   * store holds every position produced before (as the simulation resumes a delivery it takes over).
   */
  private Future<Void> loadSimulatedSeqs(Set<String> deliveries) {
    if (deliveries.isEmpty()) {
      return Future.succeededFuture();
    }
    if (storeCaughtUp == null) {
      storeCaughtUp = new GroupCatchUp(vertx, admin).await(ConsumerGroups.PERSISTENCE, Topics.NEW_POSITION, STORE_CATCH_UP_TIMEOUT_MS)
          .recover(e -> {
            LOG.warn("The store did not catch up within {} ms ({}); simulated deliveries go on after what it holds",
                STORE_CATCH_UP_TIMEOUT_MS, e.getMessage());
            return Future.succeededFuture();
          });
    }
    return storeCaughtUp.compose(v -> storedDeliveries.lastSeqs(deliveries)).map(found -> {
      deliveries.forEach(delivery -> simulatedSeqs.put(delivery, found.getOrDefault(delivery, -1L)));
      return null;
    });
  }

  /**
   * Each device's active delivery: from the cache, the store asked in one query for devices seen for the first time.
   * A cached one older than {@link #ASSIGNMENT_STALENESS_MS} still serves while the store is asked again beside the
   * batch: the store may be busy with a checkpoint, and a batch that waited for it held every fix behind it.
   */
  private Future<Map<String, Assignment>> activeDeliveries(Set<String> devices) {
    long now = System.currentTimeMillis();
    List<String> unknown = new ArrayList<>();
    List<String> stale = new ArrayList<>();
    for (String device : devices) {
      CachedAssignment cached = assignments.get(device);
      if (cached == null) {
        unknown.add(device);
      } else if (now - cached.loadedAtMs() > ASSIGNMENT_STALENESS_MS && !refreshing.contains(device)) {
        stale.add(device);
      }
    }
    refreshBesideTheBatch(stale);
    Future<Void> loaded = unknown.isEmpty() ? Future.succeededFuture() : deliveries.active(unknown).map(found -> {
      unknown.forEach(device -> assignments.put(device, new CachedAssignment(Optional.ofNullable(found.get(device)), now)));
      return null;
    });
    return loaded.map(v -> {
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
   * Asks the store again for these devices' active deliveries; an answer replaces only an entry left as it was
   * meanwhile (one dropped because its delivery changed in this process stays dropped, and is read afresh).
   */
  private void refreshBesideTheBatch(List<String> stale) {
    if (stale.isEmpty()) {
      return;
    }
    long askedAt = System.currentTimeMillis();
    Map<String, CachedAssignment> asked = new HashMap<>();
    stale.forEach(device -> asked.put(device, assignments.get(device)));
    refreshing.addAll(stale);
    deliveries.active(stale).onComplete(found -> {
      refreshing.removeAll(stale);
      if (found.failed()) {
        LOG.debug("Active deliveries not refreshed, asked again next batch: {}", found.cause().getMessage());
        return;
      }
      asked.forEach((device, before) -> {
        if (assignments.get(device) == before) {
          assignments.put(device, new CachedAssignment(Optional.ofNullable(found.result().get(device)), askedAt));
        }
      });
    });
  }

  /**
   * Attaches the batch's fixes in order, then: positions produced and acknowledged, arrived deliveries ended; the
   * state and last fixes wait for the checkpoint. The finishing position is produced before the delivery is ended in
   * the store, so a crash in between produces it again (the same position) rather than leaving an ended delivery
   * without its end.
   */
  private Future<Void> attachAll(List<BatchLoop.Read<DeviceFix>> fixes, Map<String, Assignment> active) {
    List<Position> positions = new ArrayList<>();
    List<Assignment> arrived = new ArrayList<>();
    for (BatchLoop.Read<DeviceFix> read : fixes) {
      DeviceFix fix = read.value();
      if (fix.simulated() != null) {
        passOnSimulated(fix, positions);
        continue;
      }
      DeviceState state = states.get(fix.deviceId());
      long fixMs = fix.fixTime().toEpochMilli();
      if (fixMs > state.deviceNewestFixMs) {
        state.newestOfDevice(fix);
        unsavedStates.add(state);
      }
      Assignment delivery = active.get(fix.deviceId());
      if (delivery == null) {
        metrics.fixTracked("unassigned");
        LOG.debug("Fix of device {} at {} dropped: no active delivery", fix.deviceId(), fix.fixTime());
        continue;
      }
      FixAttacher.Attached attached = attacher.attach(state, fix, delivery);
      metrics.fixTracked(attached.kind().name().toLowerCase(Locale.ROOT));
      unsavedStates.add(state);
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
    return produce(positions).compose(v -> endArrived(arrived));
  }

  /**
   * A simulated fix's position, unless one at or beyond its point was passed on already. A delivery is forgotten once
   * its last point is passed on: a fix of it still to come can only be one read again.
   */
  private void passOnSimulated(DeviceFix fix, List<Position> positions) {
    DeviceFix.Simulated point = fix.simulated();
    Long passedOn = simulatedSeqs.get(point.deliveryId());
    if (passedOn == null || point.seq() <= passedOn) {
      metrics.fixTracked("repeated");
      return;
    }
    metrics.fixTracked("simulated");
    positions.add(fix.simulatedPosition());
    if (point.finished()) {
      simulatedSeqs.remove(point.deliveryId());
    } else {
      simulatedSeqs.put(point.deliveryId(), point.seq());
    }
  }

  /** Sent in order, so each delivery's positions keep it on its partition; done once Kafka acknowledged them all. */
  private Future<Void> produce(List<Position> positions) {
    List<Future<?>> sent = new ArrayList<>(positions.size());
    for (Position position : positions) {
      sent.add(producer.send(KafkaProducerRecord.create(Topics.NEW_POSITION, position.deliveryId(), Fields.encode(position.toJson()))));
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
}
