package io.codedelivery.bridge;

import io.codedelivery.config.AppConfig;
import io.codedelivery.kafka.CommitTracker;
import io.codedelivery.kafka.KafkaClients;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumers that feed this process's event bus (positions, events): each in a group of the process's own,
 * starting at the latest offset — a new process shows what happens from now on; what came before is read through
 * the REST API.
 */
final class ProcessConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessConsumer.class);

  private ProcessConsumer() {
  }

  /**
   * Its partitions stay assigned, with their positions, through a rebalance that does not move them (a broker restart
   * triggers one). Revoked first, a partition with nothing handled yet has no committed offset: it would start again
   * at the then-latest offset, skipping what came in between.
   */
  static KafkaConsumer<String, String> create(Vertx vertx, AppConfig config, String groupId) {
    return KafkaConsumer.create(vertx, settings(config, groupId));
  }

  /** The same consumer, for a steady stream: {@link KafkaClients#batching}. */
  static KafkaConsumer<String, String> createBatching(Vertx vertx, AppConfig config, String groupId, int fetchWaitMs) {
    return KafkaConsumer.create(vertx, KafkaClients.batching(settings(config, groupId), fetchWaitMs));
  }

  private static Map<String, String> settings(AppConfig config, String groupId) {
    return KafkaClients.cooperative(KafkaClients.consumer(config.kafkaConnection(), groupId, "latest", config.instanceId()));
  }

  /**
   * Hands each record to {@code handler} on the verticle's event loop, a poll's batch at a time: one hop from the
   * consumer's thread per poll instead of a task per few records and a context per record, and the next poll asked
   * for once the batch is through. A record is handled when the handler returns; one that throws is logged and
   * skipped, the rest of its batch goes on. {@code afterBatch} runs once a batch's records are all handled.
   */
  static void handleEach(KafkaConsumer<String, String> consumer, CommitTracker commits, Consumer<ConsumerRecord<String, String>> handler,
      Runnable afterBatch) {
    consumer.batchHandler(records -> {
      for (ConsumerRecord<String, String> record : records.records()) {
        try {
          handler.accept(record);
        } catch (RuntimeException e) {
          LOG.error("Handling {}-{}@{} failed", record.topic(), record.partition(), record.offset(), e);
        }
      }
      afterBatch.run();
      records.records().partitions().forEach(partition -> {
        var inPartition = records.records().records(partition);
        commits.handled(new TopicPartition(partition.topic(), partition.partition()), inPartition.get(inPartition.size() - 1).offset());
      });
    });
  }

  /**
   * Subscribes, committing what {@code commits} says is handled every second and before partitions are taken away.
   * Starting at "latest", the consumer only sees what is produced once it holds its partitions: the future completes
   * only then (so its verticle, and the process's readiness, wait), or the first records after a start would be missed.
   */
  static Future<Void> subscribe(Vertx vertx, KafkaConsumer<String, String> consumer, CommitTracker commits, String topic) {
    Runnable commitHandled = () -> commits.commitDone(consumer)
        .onFailure(e -> LOG.debug("Commit of {} failed, will retry: {}", topic, e.getMessage()));
    Promise<Void> assigned = Promise.promise();
    consumer.partitionsAssignedHandler(partitions -> assigned.tryComplete());
    consumer.partitionsRevokedHandler(revoked -> {
      commitHandled.run();
      commits.forget(revoked);
    });
    vertx.setPeriodic(CommitTracker.COMMIT_INTERVAL_MS, id -> commitHandled.run());
    return consumer.subscribe(topic).compose(v -> assigned.future());
  }
}
