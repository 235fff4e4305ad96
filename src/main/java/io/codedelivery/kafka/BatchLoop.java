package io.codedelivery.kafka;

import io.codedelivery.config.AppConfig;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.InvalidMessageException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop of a stage that reads a topic in a shared consumer group and keeps state of its own per key (the
 * tracking stage, the events stage): poll a batch, parse each record (one that does not parse goes to the dead
 * letters), hand the parsed ones to the stage in order, and once the stage has saved what they changed (at once, or at
 * its next {@linkplain Stage#checkpoint() checkpoint}) mark them done for the commit, made every
 * {@link CommitTracker#COMMIT_INTERVAL_MS}. A batch or checkpoint that fails makes the stage forget what it holds in
 * memory (it was not saved) and read again every batch handled since the last checkpoint; so does a rebalance, since
 * the keys of partitions that moved may have been handled elsewhere meanwhile.
 */
public final class BatchLoop<T> {
  private static final Logger LOG = LoggerFactory.getLogger(BatchLoop.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(250);
  private static final long RETRY_AFTER_FAILURE_MS = 1_000;
  /** Keys whose state a stage keeps in memory at most; beyond, it starts over from the store. */
  static final int MAX_REMEMBERED_KEYS = 100_000;
  static final int MAX_RECORDS_PER_POLL = 5_000;

  /** What becomes of a record that cannot be used. */
  public enum Unusable {
    /** Moved to the dead letters: the loop's group is the one that does it for its topic. */
    DEAD_LETTER,
    /** Passed over (logged at DEBUG): another group of the topic dead-letters it, and a second copy would be noise. */
    SKIP
  }

  /** A record's value as parsed, with the record it came from. */
  public record Read<T>(KafkaConsumerRecord<String, String> record, T value) {
  }

  /** What the stage does with the records. */
  public interface Stage<T> {
    /**
     * Handles a batch's parsed records, in order; succeeds once what they yield is produced and, for a stage without
     * checkpoints, all they changed is saved.
     */
    Future<Void> handle(List<Read<T>> batch);

    /**
     * Saves what the batches handled since the last checkpoint changed in memory; their records are committed once it
     * succeeds. A crash in between reads them all again from the state saved before them. It takes what it saves
     * before it returns: the loop handles the next batches while the store writes (one checkpoint at a time).
     */
    default Future<Void> checkpoint() {
      return Future.succeededFuture();
    }

    /**
     * How long handled batches may wait for their {@link #checkpoint()}, in ms (0: after each batch). The loop takes
     * one sooner when it has caught up with the topic, so a quiet topic's work is saved at once.
     */
    default long checkpointIntervalMs() {
      return 0;
    }

    /**
     * Whether it holds changes its next checkpoint would save. The loop knows the batches it handled; a stage that also
     * changes state between them ({@link #betweenBatches}) says so here, and a checkpoint is then taken even while no
     * batch waits for it.
     */
    default boolean hasUnsavedChanges() {
      return false;
    }

    /**
     * How long the broker may hold a fetch for more records, in ms ({@link KafkaClients#batching}); 0, Kafka's
     * default, answers as soon as there is one. Each batch costs the stage a produce and its acknowledgement.
     */
    default int fetchWaitMs() {
      return 0;
    }

    /** Drops what it holds in memory, to read it again from the store. */
    void forget();

    /** Partitions this member now holds (besides those it held), their records read from the group's last commit. */
    default void partitionsAssigned(Set<TopicPartition> partitions) {
    }

    /** How many keys' state it holds in memory. */
    int remembered();

    /** Work of its own between two batches, before the next poll; {@code caughtUp}: the last poll found nothing. */
    default Future<Void> betweenBatches(boolean caughtUp) {
      return Future.succeededFuture();
    }
  }

  private final Vertx vertx;
  private final String name;
  private final String groupId;
  private final KafkaConsumer<String, String> consumer;
  private final KafkaProducer<String, String> producer;
  /** Null when unusable records are skipped. */
  private final DeadLetters deadLetters;
  private final Function<String, T> parse;
  private final Stage<T> stage;
  private final CommitTracker commits = new CommitTracker();
  /** Batches handled since the last checkpoint began, oldest first. */
  private final List<KafkaConsumerRecords<String, String>> unsaved = new ArrayList<>();
  /** The batches the checkpoint in flight covers (or the failed one covered): done for the commit once it succeeds. */
  private final List<KafkaConsumerRecords<String, String>> saving = new ArrayList<>();
  private Future<Void> checkpointInFlight = Future.succeededFuture();
  private long oldestUnsavedMs;
  private volatile boolean running;
  private boolean caughtUp;
  /**
   * The stage's memory is to be rebuilt from the store before the next batch: partitions moved, a checkpoint failed,
   * or the stage holds too many keys.
   */
  private boolean startOver;
  private Future<Void> batchInProgress = Future.succeededFuture();
  /** The start over after the last failed batch, which a stop waits for before its last checkpoint. */
  private Future<Void> recovery = Future.succeededFuture();

  private BatchLoop(Vertx vertx, String name, String groupId, KafkaConsumer<String, String> consumer,
                    KafkaProducer<String, String> producer, DeadLetters deadLetters, Function<String, T> parse, Stage<T> stage) {
    this.parse = parse;
    this.producer = producer;
    this.deadLetters = deadLetters;
    this.vertx = vertx;
    this.name = name;
    this.groupId = groupId;
    this.consumer = consumer;
    this.stage = stage;
  }

  /**
   * A loop of a member of the group (rebalanced cooperatively, so the others keep reading while partitions move; read
   * from the earliest record when the group has no offsets yet), dead-lettering through the stage's own producer.
   * The loop closes the producer when it stops. Call it, and {@link #start}, on the stage's verticle's context.
   * A stage that produces nothing and skips unusable records passes no producer (null).
   *
   * @param name  what the logs call the stage ("Tracking")
   * @param parse a record's value as the stage reads it; throws {@link InvalidMessageException} for an unusable one
   */
  public static <T> BatchLoop<T> create(Vertx vertx, String name, AppConfig config, String groupId,
                                        KafkaProducer<String, String> producer, PipelineMetrics metrics,
                                        Function<String, T> parse, Unusable unusable, Stage<T> stage) {
    Map<String, String> settings = KafkaClients.cooperative(
        KafkaClients.consumer(config.kafkaConnection(), groupId, "earliest", config.instanceId()));
    // A batch waits for its produce's acknowledgement before the next poll, so Kafka's default of 500 records a poll
    // capped a stage at 500 per round trip: one held up a few tens of ms behind 20,000 records/s never caught up.
    settings.put("max.poll.records", String.valueOf(MAX_RECORDS_PER_POLL));
    KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx,
        stage.fetchWaitMs() > 0 ? KafkaClients.batching(settings, stage.fetchWaitMs()) : settings);
    DeadLetters deadLetters = unusable == Unusable.DEAD_LETTER ? new DeadLetters(vertx, producer, metrics) : null;
    return new BatchLoop<>(vertx, name, groupId, consumer, producer, deadLetters, parse, stage);
  }

  /** The partitions this member holds now. */
  public Future<Set<TopicPartition>> assignment() {
    return consumer.assignment();
  }

  /** Subscribes and starts polling. */
  public Future<Void> start(String topic) {
    // A partition's keys are only ever in memory while this member holds it: forgotten when it goes, so one that
    // comes (back) needs nothing.
    consumer.partitionsRevokedHandler(revoked -> {
      if (!revoked.isEmpty()) {
        commits.forget(revoked);
        startOver = true;
      }
    });
    consumer.partitionsAssignedHandler(stage::partitionsAssigned);
    vertx.setPeriodic(CommitTracker.COMMIT_INTERVAL_MS, id -> commitDone());
    running = true;
    return consumer.subscribe(topic).onSuccess(v -> {
      LOG.info("{} consuming {} as group {}", name, topic, groupId);
      pollNext();
    });
  }

  /** The batch being handled finishes and is committed, so a clean stop leaves nothing to read again. */
  public Future<Void> stop() {
    running = false;
    if (deadLetters != null) {
      deadLetters.stop();
    }
    // A failed batch's start over is set going before this runs (its handler was registered first).
    return batchInProgress.transform(done -> recovery)
        .transform(recovered -> checkpointInFlight)
        .transform(saved -> startOver || !somethingUnsaved() ? Future.succeededFuture() : startCheckpoint())
        .transform(saved -> commits.closeAfterLastCommit(consumer))
        .eventually(() -> producer == null ? Future.succeededFuture() : producer.close());
  }

  private void pollNext() {
    if (!running) {
      return;
    }
    Future<Void> ready = startOver ? startOverFromSaved() : Future.succeededFuture();
    batchInProgress = ready
        .compose(v -> stage.betweenBatches(caughtUp))
        .compose(v -> consumer.poll(POLL_TIMEOUT))
        .compose(records -> {
          caughtUp = records.isEmpty();
          return handle(records);
        })
        .onSuccess(v -> checkpointIfDue());
    batchInProgress.onComplete(done -> {
      if (done.succeeded()) {
        vertx.runOnContext(v -> pollNext());
      } else {
        if (running) {
          LOG.warn("{} batch not done, reading again all since the last checkpoint: {}", name, done.cause().getMessage());
        }
        recovery = startOverFromSaved().onComplete(v -> vertx.setTimer(RETRY_AFTER_FAILURE_MS, id -> pollNext()));
      }
    });
  }

  /**
   * Once the checkpoint in flight is over (so the store holds all it saves), what the stage changed in memory and has
   * not saved is dropped, and the batches it came from are read again (those of the partitions still held), from
   * the state the store has.
   */
  private Future<Void> startOverFromSaved() {
    startOver = false;
    return checkpointInFlight.transform(saved -> {
      List<KafkaConsumerRecords<String, String>> toRead = new ArrayList<>(saving);
      toRead.addAll(unsaved);
      saving.clear();
      unsaved.clear();
      stage.forget();
      return Rewind.toStartOf(consumer, toRead)
          .onFailure(e -> LOG.warn("{} could not rewind to the last checkpoint: {}", name, e.getMessage()));
    });
  }

  /** One checkpoint at a time; the loop goes on with the next batches while it saves. */
  private void checkpointIfDue() {
    boolean due = somethingUnsaved() && checkpointInFlight.isComplete() && !startOver
        && (caughtUp || unsaved.isEmpty() || System.currentTimeMillis() - oldestUnsavedMs >= stage.checkpointIntervalMs());
    if (due) {
      startCheckpoint();
    }
  }

  private boolean somethingUnsaved() {
    return !unsaved.isEmpty() || stage.hasUnsavedChanges();
  }

  /**
   * Saves what the stage changed in the batches handled so far (it takes their snapshot at once), then marks their
   * records done and commits; a failure has the loop start over from the checkpoint before.
   */
  private Future<Void> startCheckpoint() {
    saving.addAll(unsaved);
    unsaved.clear();
    checkpointInFlight = stage.checkpoint().onComplete(saved -> {
      if (saved.failed()) {
        LOG.warn("{} checkpoint failed, reading again all since the one before: {}", name, saved.cause().getMessage());
        startOver = true;
        return;
      }
      for (KafkaConsumerRecords<String, String> records : saving) {
        for (int i = 0; i < records.size(); i++) {
          KafkaConsumerRecord<String, String> record = records.recordAt(i);
          commits.done(new TopicPartition(record.topic(), record.partition()), record.offset());
        }
      }
      saving.clear();
      if (stage.remembered() > MAX_REMEMBERED_KEYS) {
        startOver = true;
      }
      commitDone();
    });
    return checkpointInFlight;
  }

  private Future<Void> handle(KafkaConsumerRecords<String, String> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Read<T>> reads = new ArrayList<>(records.size());
    List<Future<Void>> rejected = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, String> record = records.recordAt(i);
      commits.begin(new TopicPartition(record.topic(), record.partition()), record.offset());
      try {
        reads.add(new Read<>(record, parse.apply(record.value())));
      } catch (InvalidMessageException e) {
        if (deadLetters != null) {
          rejected.add(deadLetters.send(record, e.getMessage()));
        } else {
          LOG.debug("{} skipping unusable record {}-{}@{}: {}", name, record.topic(), record.partition(), record.offset(),
              e.getMessage());
        }
      }
    }
    if (unsaved.isEmpty()) {
      oldestUnsavedMs = System.currentTimeMillis();
    }
    unsaved.add(records);
    return Future.all(rejected).compose(v -> stage.handle(reads));
  }

  private void commitDone() {
    commits.commitDone(consumer).onFailure(e -> LOG.debug("{} commit failed, will retry: {}", name, e.getMessage()));
  }
}
