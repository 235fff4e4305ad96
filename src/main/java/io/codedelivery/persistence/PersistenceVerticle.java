package io.codedelivery.persistence;

import io.codedelivery.config.AppConfig;
import io.codedelivery.config.KafkaConnection;
import io.codedelivery.kafka.DeadLetters;
import io.codedelivery.kafka.KafkaClients;
import io.codedelivery.kafka.Rewind;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.ConsumerGroups;
import io.codedelivery.model.InvalidMessageException;
import io.codedelivery.model.Position;
import io.codedelivery.model.Route;
import io.codedelivery.model.RouteCatalog;
import io.codedelivery.model.Topics;
import io.codedelivery.ops.AppContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores every position. A poll loop in a shared consumer group: poll a batch, write it with one bulk write per
 * collection, retrying with backoff while MongoDB is away, and only then commit the batch's offsets. A crash
 * between write and commit redelivers the batch, which the idempotent writes absorb.
 */
public final class PersistenceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PersistenceVerticle.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(250);
  private static final long FIRST_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  private final AppContext context;
  private final RouteCatalog routes;
  private final PipelineMetrics metrics;
  private KafkaConsumer<String, String> consumer;
  private KafkaProducer<String, String> producer;
  private DeadLetters deadLetters;
  private PositionWriter writer;
  private volatile boolean running;
  private Future<Void> batchInProgress = Future.succeededFuture();

  public PersistenceVerticle(AppContext context) {
    this.context = context;
    this.routes = context.routes();
    this.metrics = context.metrics();
  }

  @Override
  public Future<?> start() {
    AppConfig config = context.config();
    KafkaConnection kafka = config.kafkaConnection();
    writer = new PositionWriter(Store.client(vertx, config, Store.Pool.WRITES));
    producer = KafkaProducer.createShared(vertx, "code-delivery-persistence", KafkaClients.producer(kafka));
    deadLetters = new DeadLetters(vertx, producer, metrics);
    consumer = KafkaConsumer.create(vertx, KafkaClients.consumer(kafka, ConsumerGroups.PERSISTENCE, "earliest", config.instanceId()));
    running = true;
    return consumer.subscribe(Topics.NEW_POSITION).onSuccess(v -> pollNext());
  }

  @Override
  public Future<?> stop() {
    running = false;
    deadLetters.stop();
    // Let the batch being written finish and commit, so a clean stop leaves nothing to redeliver.
    return batchInProgress.transform(done -> Future.join(consumer.close(), producer.close()));
  }

  private void pollNext() {
    if (!running) {
      return;
    }
    batchInProgress = consumer.poll(POLL_TIMEOUT).compose(records -> store(records)
        .recover(error -> Rewind.toStartOf(consumer, records).transform(rewound -> Future.failedFuture(error))));
    batchInProgress.onComplete(done -> {
      if (done.failed() && running) {
        LOG.warn("Persistence batch not stored, reading it again: {}", done.cause().getMessage());
      }
      vertx.runOnContext(v -> pollNext());
    });
  }

  private Future<Void> store(KafkaConsumerRecords<String, String> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    Position[] positions = new Position[records.size()];
    String[] unreadable = new String[records.size()];
    Set<String> routeIds = new HashSet<>();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, String> record = records.recordAt(i);
      offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1, ""));
      try {
        positions[i] = Position.fromJson(record.value());
        if (positions[i].routeId() != null) {
          routeIds.add(positions[i].routeId());
        }
      } catch (InvalidMessageException e) {
        unreadable[i] = e.getMessage();
      }
    }
    // Routes uploaded since this process started are learned from the store before their positions are judged
    // (nothing is asked when every route is known). A store that is away fails the batch before anything is sent
    // or written, and the batch is read again.
    return routes.learn(routeIds)
        .compose(learned -> write(records, positions, unreadable))
        .compose(inserted -> {
          LOG.debug("Stored {} new positions of {} records", inserted, records.size());
          metrics.persisted(inserted);
          return consumer.commit(offsets).mapEmpty();
        });
  }

  /** Dead-letters the records that cannot be stored (unreadable, or not on their route), then writes the others. */
  private Future<Integer> write(KafkaConsumerRecords<String, String> records, Position[] positions, String[] unreadable) {
    List<PositionWriter.Located> valid = new ArrayList<>(records.size());
    List<Future<Void>> rejected = new ArrayList<>();
    for (int i = 0; i < positions.length; i++) {
      String reason = unreadable[i];
      if (reason == null) {
        try {
          valid.add(locate(positions[i]));
        } catch (InvalidMessageException e) {
          reason = e.getMessage();
        }
      }
      if (reason != null) {
        rejected.add(deadLetters.send(records.recordAt(i), reason));
      }
    }
    return Future.all(rejected).<Void>mapEmpty().compose(v -> writeUntilStored(valid, FIRST_BACKOFF_MS));
  }

  /**
   * A simulated position with its route, refused when its seq is beyond the route's points. A device's position is
   * no point of a route (its seq is a fix time), so neither check applies to it.
   */
  private PositionWriter.Located locate(Position position) {
    if (position.fromDevice()) {
      return PositionWriter.Located.ofDevice(position);
    }
    Route route = routes.require(position.routeId());
    if (position.seq() >= route.points().size()) {
      throw new InvalidMessageException("seq " + position.seq() + " is beyond the " + route.points().size()
          + " points of route " + route.id());
    }
    return new PositionWriter.Located(position, route);
  }

  /** MongoDB being away stops this consumer (nothing is committed) until it is back; nothing is skipped. */
  private Future<Integer> writeUntilStored(List<PositionWriter.Located> batch, long backoffMs) {
    return writer.write(batch).recover(error -> {
      if (!running) {
        return Future.failedFuture(error);
      }
      LOG.warn("MongoDB write of {} positions failed ({}); retrying in {} ms", batch.size(), error.getMessage(), backoffMs);
      Promise<Integer> retried = Promise.promise();
      vertx.setTimer(backoffMs, id -> writeUntilStored(batch, Math.min(backoffMs * 2, MAX_BACKOFF_MS)).onComplete(retried));
      return retried.future();
    });
  }
}
