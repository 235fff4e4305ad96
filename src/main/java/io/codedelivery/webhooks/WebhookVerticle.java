package io.codedelivery.webhooks;

import io.codedelivery.config.AppConfig;
import io.codedelivery.kafka.BatchLoop;
import io.codedelivery.model.ConsumerGroups;
import io.codedelivery.model.DeliveryEvent;
import io.codedelivery.model.Topics;
import io.codedelivery.ops.AppContext;
import io.codedelivery.persistence.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Webhooks of one process (one instance per process, in the tracking role). Two loops on one event loop:
 * <ul>
 *   <li>queuing: a {@link BatchLoop} on {@code delivery.events} in the shared group {@link ConsumerGroups#WEBHOOKS}
 *   inserts a pending delivery per event and matching enabled webhook, and a batch is committed only once they are
 *   stored — at least once, and queuing twice finds the delivery queued;</li>
 *   <li>sending: every {@link #DISPATCH_INTERVAL_MS} the {@link WebhookDispatcher} sends what is due.</li>
 * </ul>
 * The queue is in MongoDB, so a restart, or another process, carries on where this one stopped.
 */
public final class WebhookVerticle extends VerticleBase implements BatchLoop.Stage<DeliveryEvent> {
  static final long DISPATCH_INTERVAL_MS = 500;

  private final AppContext context;
  private WebhookStore store;
  private WebClient client;
  private BatchLoop<DeliveryEvent> loop;

  public WebhookVerticle(AppContext context) {
    this.context = context;
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
        new RetryPolicy(config.webhookRetryFor(), config.webhookRetryMaxInterval(), new SecureRandom()), context.metrics(),
        config.webhookTimeout());
    vertx.setPeriodic(DISPATCH_INTERVAL_MS, id -> dispatcher.dispatch());
    // The events stage is the topic's only producer and writes nothing unusable; nothing to dead-letter, no producer.
    loop = BatchLoop.create(vertx, "Webhook queuing", config, ConsumerGroups.WEBHOOKS, null, context.metrics(),
        DeliveryEvent::fromJson, BatchLoop.Unusable.SKIP, this);
    return store.prepare().compose(v -> loop.start(Topics.DELIVERY_EVENTS));
  }

  @Override
  public Future<?> stop() {
    // Requests in flight are dropped with the client; their leases run out and another attempt is made.
    return loop.stop().onComplete(done -> client.close());
  }

  /** Queues a delivery per event and matching enabled webhook; the batch is done for the commit once they are stored. */
  @Override
  public Future<Void> handle(List<BatchLoop.Read<DeliveryEvent>> batch) {
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    Instant now = Instant.now();
    return store.all().compose(webhooks -> {
      List<WebhookDelivery> deliveries = new ArrayList<>();
      for (BatchLoop.Read<DeliveryEvent> read : batch) {
        DeliveryEvent event = read.value();
        webhooks.stream().filter(webhook -> webhook.enabled() && webhook.wants(event.type()))
            .forEach(webhook -> deliveries.add(WebhookDelivery.queued(webhook.id(), event, now)));
      }
      return store.queue(deliveries);
    });
  }

  /** Nothing in memory: the webhooks are read for each batch, the queue lives in the store. */
  @Override
  public void forget() {
  }

  @Override
  public int remembered() {
    return 0;
  }
}
