package io.codedelivery.events;

import io.codedelivery.config.AppConfig;
import io.codedelivery.kafka.BatchLoop;
import io.codedelivery.kafka.KafkaClients;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.ConsumerGroups;
import io.codedelivery.model.DeliveryEvent;
import io.codedelivery.model.Fields;
import io.codedelivery.model.Position;
import io.codedelivery.model.Route;
import io.codedelivery.model.RouteCatalog;
import io.codedelivery.model.Topics;
import io.codedelivery.ops.AppContext;
import io.codedelivery.persistence.EventTimeline;
import io.codedelivery.persistence.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Positions in, delivery events out. A poll loop in a shared consumer group on route.new-position (keyed by delivery,
 * so one member sees all of a delivery's positions, in order): poll a batch, apply {@link EventRules} to each position
 * over its delivery's state, produce the events on delivery.events and wait for Kafka's acknowledgement, and record
 * them in the deliveries' timelines. The deliveries' states are saved every {@code checkpoint.interval.ms} (a
 * second), one write per delivery however many positions it had, and only then are the batches marked done for the
 * commit. A crash before the commit reads them again from the states saved before them, which raises the same events
 * under the same ids.
 * Between batches, every few seconds, the deliveries en route on this member's partitions that have gone silent for
 * {@code stalled.after.seconds} are found in the store (so a restart does not forget them) and raise {@code stalled}.
 */
public final class EventsVerticle extends VerticleBase implements BatchLoop.Stage<Position> {
  private static final Logger LOG = LoggerFactory.getLogger(EventsVerticle.class);
  /** How often silences are looked for: a stall is raised at most this much after {@code stalled.after.seconds}. */
  static final long SILENCE_CHECK_INTERVAL_MS = 2_000;
  /**
   * The broker holds each fetch this long for more positions: browsers read positions from the bridge, not from here,
   * so an event raised a tenth of a second later costs no one, and each batch costs a produce and a store write.
   */
  static final int FETCH_WAIT_MS = 100;

  private final AppContext context;
  /** {@code checkpoint.interval.ms}, asked for after every batch. */
  private final long checkpointIntervalMs;
  private final PipelineMetrics metrics;
  /** Delivery id → its state, as saved; loaded on first sight, forgotten when partitions move. */
  private final Map<String, EventState> states = new HashMap<>();
  /** The deliveries whose state changed since the last checkpoint, in a batch or in a silence check. */
  private final Set<EventState> unsavedStates = new LinkedHashSet<>();
  private EventRules rules;
  private RouteCatalog routes;
  private KafkaProducer<String, String> producer;
  private BatchLoop<Position> loop;
  private EventStates savedStates;
  private EventTimeline timeline;
  private long nextSilenceCheckMs;
  private long stalledAfterMs;

  public EventsVerticle(AppContext context) {
    this.context = context;
    this.metrics = context.metrics();
    this.checkpointIntervalMs = context.config().checkpointIntervalMs();
  }

  @Override
  public Future<?> start() {
    AppConfig config = context.config();
    routes = context.routes();
    stalledAfterMs = config.stalledAfter().toMillis();
    rules = new EventRules(new EventRules.Settings(config.arrivalNoticeMetres(), config.arrivalNotice(), config.stalledAfter(),
        config.offRouteMetres(), config.offRouteFixes()));
    MongoClient mongo = Store.client(vertx, config, Store.Pool.WRITES);
    savedStates = new EventStates(mongo);
    timeline = new EventTimeline(mongo);
    producer = KafkaProducer.createShared(vertx, "code-delivery-events", KafkaClients.producer(config.kafkaConnection()));
    loop = BatchLoop.create(vertx, "Delivery events", config, ConsumerGroups.EVENTS, producer, metrics, Position::fromJson,
        // The persistence group dead-letters the positions nobody can use; a second copy of each would be noise.
        BatchLoop.Unusable.SKIP, this);
    return loop.start(Topics.NEW_POSITION);
  }

  @Override
  public Future<?> stop() {
    return loop.stop();
  }

  @Override
  public int remembered() {
    return states.size();
  }

  /** Deliveries of partitions that moved may have been followed elsewhere meanwhile: their state is read again. */
  @Override
  public void forget() {
    states.clear();
    unsavedStates.clear();
  }

  /**
   * Saved after every batch, the states were one write per position (each moves its delivery's newest seq), most of
   * the embedded store's work with devices feeding deliveries.
   */
  @Override
  public long checkpointIntervalMs() {
    return checkpointIntervalMs;
  }

  @Override
  public int fetchWaitMs() {
    return FETCH_WAIT_MS;
  }

  @Override
  public boolean hasUnsavedChanges() {
    return !unsavedStates.isEmpty();
  }

  /** One write per delivery. */
  @Override
  public Future<Void> checkpoint() {
    Future<Void> saved = savedStates.save(unsavedStates);
    unsavedStates.clear();
    return saved;
  }

  @Override
  public Future<Void> handle(List<BatchLoop.Read<Position>> reads) {
    return loadStates(reads)
        .compose(v -> learnFacts(reads))
        .compose(v -> apply(reads));
  }

  /**
   * The silence check, in the loop between batches so it never moves a state a batch is moving: every
   * {@link #SILENCE_CHECK_INTERVAL_MS}, once this member has read all that is waiting (the positions not read yet may
   * be the very ones whose absence would look like a stall). A member that never catches up (a sustained flood) still
   * checks, {@code stalled.after.seconds} late at most.
   */
  @Override
  public Future<Void> betweenBatches(boolean caughtUp) {
    long now = System.currentTimeMillis();
    boolean due = now >= nextSilenceCheckMs && (caughtUp || now >= nextSilenceCheckMs + stalledAfterMs);
    return due ? checkSilences() : Future.succeededFuture();
  }

  private Future<Void> loadStates(List<BatchLoop.Read<Position>> reads) {
    Set<String> unknown = new LinkedHashSet<>();
    reads.forEach(read -> {
      if (!states.containsKey(read.value().deliveryId())) {
        unknown.add(read.value().deliveryId());
      }
    });
    if (unknown.isEmpty()) {
      return Future.succeededFuture();
    }
    return savedStates.load(unknown).map(saved -> {
      unknown.forEach(id -> states.put(id, saved.getOrDefault(id, new EventState(id))));
      return null;
    });
  }

  /**
   * The facts of the deliveries first seen in this batch (a device's from its stored delivery, a simulated one's from
   * its route), and every planned route of the batch learned by the catalogue (it may have been uploaded elsewhere).
   */
  private Future<Void> learnFacts(List<BatchLoop.Read<Position>> reads) {
    Map<String, Position> firstOfNew = new LinkedHashMap<>();
    reads.forEach(read -> {
      if (states.get(read.value().deliveryId()).facts == null) {
        firstOfNew.putIfAbsent(read.value().deliveryId(), read.value());
      }
    });
    List<String> devices = firstOfNew.values().stream().filter(Position::fromDevice).map(Position::deliveryId).toList();
    Future<Map<String, DeliveryFacts>> stored = devices.isEmpty() ? Future.succeededFuture(Map.of())
        : savedStates.deviceDeliveryFacts(devices);
    return stored.compose(found -> {
      found.forEach((id, facts) -> states.get(id).facts = facts);
      Set<String> needed = new HashSet<>();
      firstOfNew.values().stream().filter(p -> !p.fromDevice()).forEach(p -> needed.add(p.routeId()));
      reads.forEach(read -> {
        DeliveryFacts facts = states.get(read.value().deliveryId()).facts;
        if (facts != null && facts.plannedRouteId() != null) {
          needed.add(facts.plannedRouteId());
        }
      });
      return routes.learn(needed);
    }).map(v -> {
      firstOfNew.values().forEach(first -> {
        EventState state = states.get(first.deliveryId());
        if (state.facts == null) {
          // A device delivery not stored (it cannot be: it is stored before it is assigned) goes nowhere known.
          state.facts = first.fromDevice() ? new DeliveryFacts(null, null, null)
              : routes.find(first.routeId()).map(DeliveryFacts::simulated).orElse(new DeliveryFacts(null, null, null));
        }
      });
      return null;
    });
  }

  private Future<Void> apply(List<BatchLoop.Read<Position>> reads) {
    List<DeliveryEvent> events = new ArrayList<>();
    Set<EventState> changed = new LinkedHashSet<>();
    for (BatchLoop.Read<Position> read : reads) {
      EventState state = states.get(read.value().deliveryId());
      long newestBefore = state.newestSeq;
      boolean endedBefore = state.ended;
      events.addAll(rules.onPosition(state, read.value(), planned(state)));
      if (state.newestSeq != newestBefore || state.ended != endedBefore) {
        state.partition = read.record().partition();
        changed.add(state);
      }
    }
    return publish(events).onSuccess(v -> unsavedStates.addAll(changed));
  }

  private Optional<Route> planned(EventState state) {
    return Optional.ofNullable(state.facts.plannedRouteId()).flatMap(routes::find);
  }

  /**
   * {@code stalled} for the deliveries en route on this member's partitions that have been silent for too long. The
   * candidates come from the store, where every state is saved: deliveries this member followed before a restart or
   * that a rebalance gave it are found as well as those it has in memory, whose in-memory state decides. A state saved
   * at the last checkpoint was last seen no later than the one in memory, so the store finds every silent delivery.
   */
  private Future<Void> checkSilences() {
    nextSilenceCheckMs = System.currentTimeMillis() + SILENCE_CHECK_INTERVAL_MS;
    Instant now = Instant.now();
    return loop.assignment().compose(assigned -> {
      List<Integer> partitions = assigned.stream().filter(p -> p.getTopic().equals(Topics.NEW_POSITION))
          .map(TopicPartition::getPartition).toList();
      return partitions.isEmpty() ? Future.succeededFuture(List.<EventState>of())
          : savedStates.silentSince(partitions, rules.stallCutoffMs(now));
    }).compose(candidates -> {
      List<DeliveryEvent> events = new ArrayList<>();
      Set<EventState> changed = new LinkedHashSet<>();
      for (EventState candidate : candidates) {
        EventState state = states.computeIfAbsent(candidate.deliveryId, id -> candidate);
        rules.onSilence(state, now).ifPresent(stalled -> {
          events.add(stalled);
          changed.add(state);
        });
      }
      return publish(events).onSuccess(v -> unsavedStates.addAll(changed));
    });
  }

  /**
   * The events produced in order (each delivery's stay on its partition) and acknowledged, then recorded in the
   * timelines; the states that raised them are saved at the next checkpoint, and a crash before it raises them again,
   * under the same ids.
   */
  private Future<Void> publish(List<DeliveryEvent> events) {
    List<Future<?>> sent = new ArrayList<>(events.size());
    for (DeliveryEvent event : events) {
      sent.add(producer.send(KafkaProducerRecord.create(Topics.DELIVERY_EVENTS, event.deliveryId(), Fields.encode(event.toJson()))));
    }
    return Future.all(sent)
        .compose(v -> timeline.record(events))
        .onSuccess(v -> events.forEach(event -> {
          metrics.eventRaised(event.type().wireName());
          LOG.debug("Delivery {}: {} ({})", event.deliveryId(), event.type().wireName(), event.eventId());
        }));
  }
}
