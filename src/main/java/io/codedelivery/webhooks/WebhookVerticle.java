package io.codedelivery.webhooks;

import io.codedelivery.config.AppConfig;
import io.codedelivery.kafka.CommitTracker;
import io.codedelivery.kafka.KafkaClients;
import io.codedelivery.kafka.Rewind;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.ConsumerGroups;
import io.codedelivery.model.DeliveryEvent;
import io.codedelivery.model.InvalidMessageException;
import io.codedelivery.model.Topics;
import io.codedelivery.ops.AppContext;
import io.codedelivery.persistence.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhooks of one process (one instance per process, in the tracking role). Two loops on one event loop:
 * <ul>
 *   <li>queuing: a consumer of {@code delivery.events} in the shared group {@link ConsumerGroups#WEBHOOKS} inserts a
 *   pending delivery per event and matching enabled webhook, and commits a batch only once they are stored — at least
 *   once, and queuing twice finds the delivery queued;</li>
 *   <li>sending: every {@link #DISPATCH_INTERVAL_MS} the {@link WebhookDispatcher} sends what is due.</li>
 * </ul>
 * The queue is in MongoDB, so a restart, or another process, carries on where this one stopped.
 */
public final class WebhookVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookVerticle.class);
  static final long DISPATCH_INTERVAL_MS = 500;
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
  private static final long RETRY_AFTER_FAILURE_MS = 1_000;

  private final AppContext context;
  private final PipelineMetrics metrics;
  private final CommitTracker commits = new CommitTracker();
  private WebhookStore store;
  private KafkaConsumer<String, String> consumer;
  private WebClient client;
  private volatile boolean running;
  private Future<Void> batchInProgress = Future.succeededFuture();

  public WebhookVerticle(AppContext context) {
    this.context = context;
    this.metrics = context.metrics();
  }

  @Override
  public Future<?> start() {
    AppConfig config = context.config();
    store = new WebhookStore(Store.client(vertx, config, Store.Pool.WRITES));
    // Redirects stay unfollowed (one could lead inside the network); the pool is as wide as the dispatcher's limit,
    // so endpoints on one host do not queue behind each other.
    client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false).setUserAgentEnabled(false)
            .setConnectTimeout((int) config.webhookTimeout().toMillis()).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(WebhookDispatcher.OVERALL));
    WebhookDispatcher dispatcher = new WebhookDispatcher(store, new TargetGuard(vertx, config.webhookAllowPrivate()), client,
        new RetryPolicy(config.webhookRetryFor(), config.webhookRetryMaxInterval(), new SecureRandom()), metrics,
        config.webhookTimeout());
    vertx.setPeriodic(DISPATCH_INTERVAL_MS, id -> dispatcher.dispatch());
    consumer = KafkaConsumer.create(vertx, KafkaClients.cooperative(
        KafkaClients.consumer(config.kafkaConnection(), ConsumerGroups.WEBHOOKS, "earliest", config.instanceId())));
    consumer.partitionsRevokedHandler(commits::forget);
    vertx.setPeriodic(CommitTracker.COMMIT_INTERVAL_MS, id -> commitDone());
    running = true;
    return store.prepare().compose(v -> consumer.subscribe(Topics.DELIVERY_EVENTS)).onSuccess(v -> {
      LOG.info("Webhooks consuming {} as group {}", Topics.DELIVERY_EVENTS, ConsumerGroups.WEBHOOKS);
      pollNext();
    });
  }

  @Override
  public Future<?> stop() {
    running = false;
    // Requests in flight are dropped with the client; their leases run out and another attempt is made.
    return batchInProgress.transform(done -> commits.closeAfterLastCommit(consumer)).onComplete(done -> client.close());
  }

  private void pollNext() {
    if (!running) {
      return;
    }
    batchInProgress = consumer.poll(POLL_TIMEOUT).compose(records -> queue(records)
        .recover(error -> Rewind.toStartOf(consumer, records).transform(rewound -> Future.failedFuture(error))));
    batchInProgress.onComplete(done -> {
      if (done.succeeded()) {
        vertx.runOnContext(v -> pollNext());
      } else {
        if (running) {
          LOG.warn("Webhook deliveries of a batch of events not queued, reading it again: {}", done.cause().getMessage());
        }
        vertx.setTimer(RETRY_AFTER_FAILURE_MS, id -> pollNext());
      }
    });
  }

  /** Queues a delivery per event and matching enabled webhook; the batch is done for the commit once they are stored. */
  private Future<Void> queue(KafkaConsumerRecords<String, String> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    List<DeliveryEvent> events = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, String> record = records.recordAt(i);
      commits.begin(new TopicPartition(record.topic(), record.partition()), record.offset());
      try {
        events.add(DeliveryEvent.fromJson(record.value()));
      } catch (InvalidMessageException e) {
        // Nobody could be sent it; the events' producer is ours, so this is a bug to see in the log, not to retry.
        metrics.skipped(record.topic());
        LOG.error("Event at {}-{}@{} passed over, not a delivery event: {}", record.topic(), record.partition(),
            record.offset(), e.getMessage());
      }
    }
    Instant now = Instant.now();
    return store.all().compose(webhooks -> {
      List<WebhookDelivery> deliveries = new ArrayList<>();
      for (DeliveryEvent event : events) {
        webhooks.stream().filter(webhook -> webhook.enabled() && webhook.wants(event.type()))
            .forEach(webhook -> deliveries.add(WebhookDelivery.queued(webhook.id(), event, now)));
      }
      return store.queue(deliveries);
    }).onSuccess(v -> {
      for (int i = 0; i < records.size(); i++) {
        KafkaConsumerRecord<String, String> record = records.recordAt(i);
        commits.done(new TopicPartition(record.topic(), record.partition()), record.offset());
      }
      commitDone();
    });
  }

  private void commitDone() {
    commits.commitDone(consumer).onFailure(e -> LOG.debug("Webhooks commit failed, will retry: {}", e.getMessage()));
  }
}
