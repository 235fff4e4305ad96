package io.codedelivery.simulation;

import io.codedelivery.config.KafkaConnection;
import io.codedelivery.kafka.CommitTracker;
import io.codedelivery.kafka.DeadLetters;
import io.codedelivery.kafka.GroupCatchUp;
import io.codedelivery.kafka.KafkaClients;
import io.codedelivery.kafka.ReplayBoundary;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.ConsumerGroups;
import io.codedelivery.model.Direction;
import io.codedelivery.model.Fields;
import io.codedelivery.model.InvalidMessageException;
import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.Route;
import io.codedelivery.model.RouteCatalog;
import io.codedelivery.model.Topics;
import io.codedelivery.ops.AppContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives simulated vehicles, a source of fixes like phones and trackers: their fixes go to {@link Topics#DEVICE_POSITIONS}
 * and the tracking stage makes them positions, so every position takes one path. Each direction starts a
 * {@link Driver}; one periodic timer moves every driver one point per
 * interval (no thread or timer per vehicle), as its {@link Timetable} says: a vehicle that falls behind goes on from
 * where it is rather than replaying the moves it missed. A driver advances only when Kafka acknowledged its last
 * position, so a broker outage pauses vehicles instead of losing points. A direction's offset is committed once its
 * delivery has finished, so a crash replays unfinished deliveries rather than dropping them.
 */
public final class SimulationVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SimulationVerticle.class);
  /**
   * How long directions taken over from another instance wait for each of the tracking stage and the store to have
   * handled every fix produced before the take-over, so they go on after the last position really produced instead
   * of the last one stored. Bounded, because either may be far behind or not running at all: then they go on after
   * what the store holds.
   */
  private static final long STORE_CATCH_UP_TIMEOUT_MS = 15_000;
  private static final long ROUTE_LOOKUP_FIRST_BACKOFF_MS = 100;
  private static final long ROUTE_LOOKUP_MAX_BACKOFF_MS = 5_000;

  private final AppContext context;
  private final RouteCatalog routes;
  private final PipelineMetrics metrics;
  private final int maxActiveDeliveries;
  private final Map<String, Driver> drivers = new LinkedHashMap<>();
  private final ResumePoints resumePoints;
  private final CommitTracker commits = new CommitTracker();
  private final SkippedMoves skippedMoves;
  /** The partitions this instance holds, so a direction whose route look-up outlived its partition is let go. */
  private final Set<TopicPartition> assigned = new HashSet<>();
  private KafkaProducer<String, String> producer;
  private KafkaConsumer<String, String> consumer;
  private DeadLetters deadLetters;
  private KafkaAdminClient admin;
  /** Completes once the store holds every position produced before the latest partitions were assigned here. */
  private Future<Void> storeCaughtUp = Future.succeededFuture();
  /**
   * Which directions a previous owner may have driven (they were on the topic when their partition came here): their
   * deliveries go on from what the store holds. A direction beyond is a new delivery with nothing stored, whose
   * vehicle starts without asking the store, so the steady flow of starts costs no query and goes on while the store
   * is away.
   */
  private ReplayBoundary replayed;
  private Timetable timetable;
  private boolean paused;
  private long lastFailureLog;

  public SimulationVerticle(AppContext context, ResumePoints resumePoints) {
    this.context = context;
    this.resumePoints = resumePoints;
    this.routes = context.routes();
    this.metrics = context.metrics();
    this.maxActiveDeliveries = context.config().maxActiveDeliveries();
    this.skippedMoves = new SkippedMoves(metrics);
  }

  @Override
  public Future<?> start() {
    KafkaConnection kafka = context.config().kafkaConnection();
    producer = KafkaProducer.createShared(vertx, "code-delivery-simulation", KafkaClients.producer(kafka));
    deadLetters = new DeadLetters(vertx, producer, metrics);
    admin = KafkaAdminClient.create(vertx, KafkaClients.admin(kafka));
    replayed = new ReplayBoundary(admin, "every direction read there goes on from what the store holds");
    // An instance joining or leaving stops only the vehicles of the partitions that change hands.
    consumer = KafkaConsumer.create(vertx, KafkaClients.cooperative(
        KafkaClients.consumer(kafka, ConsumerGroups.SIMULATION, "earliest", context.config().instanceId())));
    consumer.handler(this::onDirection);
    consumer.partitionsAssignedHandler(partitions -> {
      assigned.addAll(partitions);
      if (!partitions.isEmpty()) {
        storeCaughtUp = awaitStoreCaughtUp();
        replayed.assigned(partitions);
      }
    });
    consumer.partitionsRevokedHandler(revoked -> {
      assigned.removeAll(revoked);
      // Their deliveries now belong to the partitions' new owner, which replays them from the last commit.
      drivers.values().removeIf(driver -> {
        boolean moved = revoked.contains(driver.source());
        if (moved) {
          metrics.deliveryEnded();
        }
        return moved;
      });
      commitFinished();
      commits.forget(revoked);
      resumeIfRoom();
    });
    timetable = new Timetable(context.config().simulationIntervalMs(), System.nanoTime(), skippedMoves);
    vertx.setPeriodic(timetable.slotMs(), id -> tick());
    vertx.setPeriodic(CommitTracker.COMMIT_INTERVAL_MS, id -> commitFinished());
    return consumer.subscribe(Topics.NEW_DIRECTION);
  }

  @Override
  public Future<?> stop() {
    deadLetters.stop();
    return commits.closeAfterLastCommit(consumer).eventually(producer::close).eventually(admin::close);
  }

  private void onDirection(KafkaConsumerRecord<String, String> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    commits.begin(partition, record.offset());
    Direction direction;
    try {
      direction = Direction.fromJson(record.value());
    } catch (InvalidMessageException e) {
      deadLetter(record, partition, e.getMessage());
      return;
    }
    // A route uploaded after this process started is learned from the store (at once when it is known already).
    routeOf(direction, ROUTE_LOOKUP_FIRST_BACKOFF_MS).onSuccess(route -> {
      if (!assigned.contains(partition)) {
        LOG.debug("Direction {} was looked up after its partition moved; its new owner drives it", direction.deliveryId());
      } else if (route.isEmpty()) {
        deadLetter(record, partition, "unknown route '" + Fields.abbreviate(direction.routeId()) + "'");
      } else {
        drive(direction, route.get(), partition, record.offset());
      }
    });
  }

  /** The direction's route, waiting out a store that is away: a direction is neither dropped nor dead-lettered for that. */
  private Future<Optional<Route>> routeOf(Direction direction, long backoffMs) {
    return routes.lookup(direction.routeId()).recover(e -> {
      LOG.warn("Could not look up route {} of delivery {} ({}); trying again in {} ms", direction.routeId(), direction.deliveryId(),
          e.getMessage(), backoffMs);
      Promise<Optional<Route>> retried = Promise.promise();
      vertx.setTimer(backoffMs, id -> routeOf(direction, Math.min(2 * backoffMs, ROUTE_LOOKUP_MAX_BACKOFF_MS)).onComplete(retried));
      return retried.future();
    });
  }

  private void drive(Direction direction, Route route, TopicPartition partition, long offset) {
    if (drivers.containsKey(direction.deliveryId())) {
      finishWork(partition, offset);
    } else {
      Driver driver = new Driver(direction, route, partition, offset, timetable.assignSlot());
      // Reserved before the look-up, so the same direction read again meanwhile is recognised.
      drivers.put(direction.deliveryId(), driver);
      metrics.deliveryStarted();
      if (drivers.size() >= maxActiveDeliveries && !paused) {
        LOG.warn("{} deliveries running: taking no new ones until some finish", drivers.size());
        paused = true;
        consumer.pause();
      }
      replayed.known().onComplete(known -> {
        if (replayed.mayHaveBeenHandled(partition, offset)) {
          resumeFromStore(driver);
        } else {
          driver.ready();
        }
      });
    }
  }

  /**
   * A direction read again after a crash or a take-over belongs to a delivery that may be half-way or even
   * finished: it goes on after the last stored position instead of starting over, once the store has caught up
   * with what was produced before the take-over. Only when the store could not catch up in time are positions
   * produced again, which the idempotent writes and the browsers' merge by seq absorb.
   */
  private void resumeFromStore(Driver driver) {
    storeCaughtUp.transform(ignored -> resumePoints.of(driver.deliveryId())).onComplete(stored -> {
      if (stored.failed()) {
        LOG.warn("Could not read the state of delivery {} ({}); driving it from the start", driver.deliveryId(), stored.cause().getMessage());
      } else if (stored.result().isPresent()) {
        ResumePoints.ResumePoint stop = stored.result().get();
        if (stop.finished()) {
          LOG.info("Delivery {} was already finished before a restart", driver.deliveryId());
          finish(driver);
          return;
        }
        driver.resumeAfter(stop.lastSeq());
        LOG.info("Delivery {} resumes after seq {}", driver.deliveryId(), stop.lastSeq());
      }
      driver.ready();
    });
  }

  /** The vehicles' fixes become positions in the tracking stage first, then the store writes them: both are waited for. */
  private Future<Void> awaitStoreCaughtUp() {
    GroupCatchUp catchUp = new GroupCatchUp(vertx, admin);
    return catchUp.await(ConsumerGroups.TRACKING, Topics.DEVICE_POSITIONS, STORE_CATCH_UP_TIMEOUT_MS)
        .compose(tracked -> catchUp.await(ConsumerGroups.PERSISTENCE, Topics.NEW_POSITION, STORE_CATCH_UP_TIMEOUT_MS))
        .onSuccess(v -> LOG.debug("The store holds every position produced before this assignment"))
        .onFailure(e -> LOG.warn("The store did not catch up within {} ms ({}); directions taken over go on after what it holds",
            STORE_CATCH_UP_TIMEOUT_MS, e.getMessage()));
  }

  /** Done with once dead-lettered or skipped, so a record nobody can use never holds the partition's commit. */
  private void deadLetter(KafkaConsumerRecord<String, String> record, TopicPartition partition, String reason) {
    deadLetters.send(record, reason)
        .onSuccess(v -> finishWork(partition, record.offset()))
        .onFailure(e -> LOG.info("Stopped before dead-lettering {}-{}@{}; its partition's next owner reads it again",
            record.topic(), record.partition(), record.offset()));
  }

  /** Each tick moves one slot's vehicles, or none when it is one the timer owed for turns the timetable skipped. */
  private void tick() {
    long nowNanos = System.nanoTime();
    Instant now = Instant.now();
    timetable.fire(nowNanos, drivers.values(), driver -> send(driver, driver.nextFix(now)));
    skippedMoves.warningDue(nowNanos).ifPresent(LOG::warn);
  }

  private void send(Driver driver, DeviceFix fix) {
    driver.sending(true);
    producer.send(KafkaProducerRecord.create(Topics.DEVICE_POSITIONS, fix.deviceId(), Fields.encode(fix.toJson())))
        .onComplete(result -> {
          driver.sending(false);
          if (result.succeeded()) {
            metrics.produced();
            driver.acknowledged();
            if (fix.simulated().finished()) {
              finish(driver);
            }
          } else {
            logSendFailure(fix.simulated(), result.cause());
          }
        });
  }

  private void finish(Driver driver) {
    // A callback may come back for a driver a rebalance already took away.
    if (!drivers.remove(driver.deliveryId(), driver)) {
      return;
    }
    metrics.deliveryEnded();
    LOG.debug("Delivery {} finished", driver.deliveryId());
    finishWork(driver.source(), driver.sourceOffset());
    resumeIfRoom();
  }

  private void resumeIfRoom() {
    if (paused && drivers.size() < maxActiveDeliveries) {
      paused = false;
      consumer.resume();
    }
  }

  private void finishWork(TopicPartition partition, long offset) {
    commits.done(partition, offset);
  }

  /** Commits the directions whose work is done; once a second, so a wave of finishes is one request. */
  private Future<Void> commitFinished() {
    return commits.commitDone(consumer)
        .onFailure(e -> LOG.warn("Simulation commit failed, will retry with the next one: {}", e.getMessage()))
        .recover(e -> Future.succeededFuture());
  }

  /** A broker outage fails every vehicle's send at once; one line every few seconds says it. */
  private void logSendFailure(DeviceFix.Simulated point, Throwable cause) {
    long now = System.currentTimeMillis();
    if (now - lastFailureLog > 5_000) {
      lastFailureLog = now;
      LOG.warn("Fix {}#{} not acknowledged ({}); vehicles wait and retry", point.deliveryId(), point.seq(), cause.getMessage());
    }
  }
}
