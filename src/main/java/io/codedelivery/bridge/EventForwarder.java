package io.codedelivery.bridge;

import io.codedelivery.kafka.CommitTracker;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.Addresses;
import io.codedelivery.model.ConsumerGroups;
import io.codedelivery.model.DeliveryEvent;
import io.codedelivery.model.InvalidMessageException;
import io.codedelivery.model.ReadOnlyJsonCodec;
import io.codedelivery.model.Topics;
import io.codedelivery.ops.AppContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code delivery.events} → event bus, once per process (its browsers must see every event, so the group is the
 * process's own): each event is published on {@code deliveries.events} for the operators' consoles and on
 * {@code delivery-events.<id>} for that delivery's customer page. Like the bridge's positions, it starts at the
 * latest offset: a page reads what happened before it opened from the timeline API.
 */
public final class EventForwarder extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EventForwarder.class);
  private final AppContext context;
  private final PipelineMetrics metrics;
  private final CommitTracker commits = new CommitTracker();
  private final DeliveryOptions publishOptions = ReadOnlyJsonCodec.options();
  private KafkaConsumer<String, String> consumer;

  public EventForwarder(AppContext context) {
    this.context = context;
    this.metrics = context.metrics();
  }

  @Override
  public Future<?> start() {
    String groupId = ConsumerGroups.bridgeEvents(context.config().instanceId());
    consumer = ProcessConsumer.create(vertx, context.config(), groupId);
    ProcessConsumer.handleEach(consumer, commits, this::onEvent, () -> { });
    return ProcessConsumer.subscribe(vertx, consumer, commits, Topics.DELIVERY_EVENTS)
        .onSuccess(v -> LOG.info("Forwarding {} to the event bus as group {}", Topics.DELIVERY_EVENTS, groupId));
  }

  @Override
  public Future<?> stop() {
    return commits.closeAfterLastCommit(consumer);
  }

  private void onEvent(ConsumerRecord<String, String> record) {
    try {
      JsonObject json = DeliveryEvent.fromJson(record.value()).toJson();
      EventBus bus = vertx.eventBus();
      // Shared read-only by every browser on this event loop that receives it (see the codec).
      bus.publish(Addresses.DELIVERY_EVENTS, json, publishOptions);
      bus.publish(Addresses.deliveryEvents(json.getString("deliveryId")), json, publishOptions);
    } catch (InvalidMessageException e) {
      // Dead-lettering is the job of the shared-group consumers (the events' own); every process would repeat it.
      metrics.skipped(record.topic());
      LOG.warn("Skipping unusable event {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
    }
  }
}
