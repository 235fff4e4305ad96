package io.codedelivery.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.model.InvalidMessageException;
import io.codedelivery.ops.AppContext;
import io.codedelivery.support.EmbeddedBroker;
import io.codedelivery.support.VerticleContexts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A stage that saves its state at checkpoints rather than after each batch (the tracking stage): its records are
 * committed only once a checkpoint saved what they changed, and a checkpoint that fails has every batch since the last
 * one read again, from the state saved before them, so nothing handled and unsaved is lost.
 */
@ExtendWith(VertxExtension.class)
class BatchLoopCheckpointTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int RECORDS = 50;
  private static EmbeddedBroker broker;

  private final String topic = "checkpoint-test-" + UUID.randomUUID();
  private final String group = "checkpoint-test-" + UUID.randomUUID();

  @BeforeAll
  static void startBroker() throws Exception {
    broker = EmbeddedBroker.start(1, 1);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  /** Remembers what it handled; its first checkpoint fails, its second waits for the test to let it finish. */
  private static final class CheckpointingStage implements BatchLoop.Stage<Integer> {
    final List<Integer> handled = new CopyOnWriteArrayList<>();
    final List<Integer> saved = new CopyOnWriteArrayList<>();
    final List<Integer> inMemory = new CopyOnWriteArrayList<>();
    final Promise<Void> secondCheckpoint = Promise.promise();
    volatile int checkpoints;
    volatile int forgotten;

    @Override
    public Future<Void> handle(List<BatchLoop.Read<Integer>> batch) {
      batch.forEach(read -> {
        handled.add(read.value());
        inMemory.add(read.value());
      });
      return Future.succeededFuture();
    }

    @Override
    public long checkpointIntervalMs() {
      return 60_000;
    }

    @Override
    public Future<Void> checkpoint() {
      checkpoints++;
      if (checkpoints == 1) {
        return Future.failedFuture("store unavailable");
      }
      Future<Void> done = checkpoints == 2 ? secondCheckpoint.future() : Future.succeededFuture();
      List<Integer> changes = List.copyOf(inMemory);
      return done.onSuccess(v -> {
        saved.addAll(changes);
        inMemory.removeAll(changes);
      });
    }

    @Override
    public void forget() {
      forgotten++;
      inMemory.clear();
    }

    @Override
    public int remembered() {
      return inMemory.size();
    }
  }

  @Test
  void recordsAreCommittedOnlyOnceACheckpointSavedThemAndAFailedOneReadsEverythingSinceTheLastAgain(Vertx vertx) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
      KafkaProducer<String, String> producer = KafkaProducer.create(vertx, KafkaClients.producer(broker.connection()));
      for (int i = 0; i < RECORDS; i++) {
        producer.send(KafkaProducerRecord.create(topic, "key-" + (i % 7), String.valueOf(i))).await();
      }
      producer.close().await();

      CheckpointingStage stage = new CheckpointingStage();
      RunningLoop loop = start(vertx, stage);

      // Caught up, the loop checkpoints at once; the first checkpoint fails: everything handled is read again.
      await().atMost(WAIT).until(() -> stage.handled.size() >= 2 * RECORDS);
      assertThat(stage.forgotten).isGreaterThanOrEqualTo(1);
      assertThat(stage.handled.subList(RECORDS, 2 * RECORDS)).containsExactlyInAnyOrderElementsOf(stage.handled.subList(0, RECORDS));
      assertThat(stage.handled.subList(0, RECORDS)).containsExactlyInAnyOrderElementsOf(IntStream.range(0, RECORDS).boxed().toList());

      // The second checkpoint is under way: nothing is committed before it has saved.
      await().atMost(WAIT).until(() -> stage.checkpoints >= 2);
      assertThat(committedRecords(admin)).isZero();
      assertThat(stage.saved).isEmpty();

      loop.context().runOnContext(v -> stage.secondCheckpoint.complete());
      await().atMost(WAIT).until(() -> committedRecords(admin) == RECORDS);
      assertThat(stage.saved).containsExactlyInAnyOrderElementsOf(IntStream.range(0, RECORDS).boxed().toList());
      assertThat(stage.handled).hasSize(2 * RECORDS);
      loop.stop();
    }
  }

  /** Changes a state between batches once (as a silence check does), and counts the checkpoints that save it. */
  private static final class BetweenBatchesStage implements BatchLoop.Stage<Integer> {
    volatile boolean changed;
    volatile boolean changedOnce;
    volatile int checkpoints;

    @Override
    public Future<Void> handle(List<BatchLoop.Read<Integer>> batch) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> betweenBatches(boolean caughtUp) {
      if (caughtUp && !changedOnce) {
        changedOnce = true;
        changed = true;
      }
      return Future.succeededFuture();
    }

    @Override
    public boolean hasUnsavedChanges() {
      return changed;
    }

    @Override
    public Future<Void> checkpoint() {
      checkpoints++;
      changed = false;
      return Future.succeededFuture();
    }

    @Override
    public void forget() {
    }

    @Override
    public int remembered() {
      return 0;
    }
  }

  @Test
  void aChangeMadeBetweenBatchesIsSavedWhileNoRecordArrives(Vertx vertx) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    BetweenBatchesStage stage = new BetweenBatchesStage();
    RunningLoop loop = start(vertx, stage);

    await().atMost(WAIT).until(() -> stage.changedOnce && stage.checkpoints == 1);
    assertThat(stage.changed).isFalse();
    loop.stop();
    // Nothing left to save: the stop took no checkpoint of its own.
    assertThat(stage.checkpoints).isEqualTo(1);
  }

  /** A loop of the test's group on the test's topic, on a context of its own. */
  private record RunningLoop(Context context, AtomicReference<BatchLoop<Integer>> loop) {
    void stop() {
      Promise<Void> stopped = Promise.promise();
      context.runOnContext(v -> loop.get().stop().onComplete(stopped));
      stopped.future().await();
    }
  }

  private RunningLoop start(Vertx vertx, BatchLoop.Stage<Integer> stage) {
    Map<Setting, String> settings = new EnumMap<>(Setting.class);
    settings.put(Setting.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
    AppContext context = VerticleContexts.create(vertx, settings);
    RunningLoop loop = new RunningLoop(vertx.getOrCreateContext(), new AtomicReference<>());
    loop.context().runOnContext(v -> {
      loop.loop().set(BatchLoop.create(vertx, "Checkpoint test", context.config(), group, null, context.metrics(),
          BatchLoopCheckpointTest::parse, BatchLoop.Unusable.SKIP, stage));
      loop.loop().get().start(topic);
    });
    return loop;
  }

  /** How many of the topic's records the group has committed, over both partitions. */
  private long committedRecords(Admin admin) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    return offsets.values().stream().filter(Objects::nonNull).mapToLong(OffsetAndMetadata::offset).sum();
  }

  private static Integer parse(String value) {
    try {
      return Integer.valueOf(value);
    } catch (NumberFormatException e) {
      throw new InvalidMessageException("not a number: " + value);
    }
  }
}
