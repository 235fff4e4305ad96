package io.codedelivery.webhooks;

import io.codedelivery.persistence.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Webhooks in {@link Store#WEBHOOKS} and their deliveries in {@link Store#WEBHOOK_DELIVERIES}. A delivery's
 * {@code _id} is {@code webhookId:eventId}: queuing an event twice (a batch read again) finds it queued, a webhook's
 * deliveries are a prefix range of the {@code _id} index, and claiming one is a lookup by {@code _id}.
 */
public final class WebhookStore {
  private static final BulkWriteOptions UNORDERED = new BulkWriteOptions(false);
  /** How many of a webhook's deliveries the API shows, newest first. */
  static final int SHOWN_DELIVERIES = 200;

  private final MongoClient mongo;

  public WebhookStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  /**
   * The index the dispatchers' due query walks on MongoDB (pending, soonest first); creating it again is a no-op.
   * The embedded store scans either way, which the query's limit and the few pending deliveries keep small.
   */
  Future<Void> prepare() {
    return mongo.createIndexWithOptions(Store.WEBHOOK_DELIVERIES, new JsonObject().put("status", 1).put("nextAttemptAtMs", 1),
        new IndexOptions().name("status_nextAttemptAtMs"));
  }

  public Future<Void> create(Webhook webhook) {
    return mongo.insert(Store.WEBHOOKS, webhook.toDocument()).mapEmpty();
  }

  public Future<List<Webhook>> all() {
    return mongo.find(Store.WEBHOOKS, new JsonObject()).map(found -> found.stream().map(Webhook::fromDocument)
        .sorted(Comparator.comparing(Webhook::createdAt).thenComparing(Webhook::id)).toList());
  }

  public Future<Optional<Webhook>> get(String id) {
    return mongo.findOne(Store.WEBHOOKS, byId(id), null).map(found -> Optional.ofNullable(found).map(Webhook::fromDocument));
  }

  /** Turns it on or off; empty when there is no such webhook. */
  public Future<Optional<Webhook>> setEnabled(String id, boolean enabled) {
    return mongo.updateCollection(Store.WEBHOOKS, byId(id), new JsonObject().put("$set", new JsonObject().put("enabled", enabled)))
        .compose(updated -> updated.getDocMatched() == 0 ? Future.succeededFuture(Optional.empty()) : get(id));
  }

  /** Removes it and its deliveries, sent or not (nothing more is sent); false when there was no such webhook. */
  public Future<Boolean> remove(String id) {
    return mongo.removeDocument(Store.WEBHOOKS, byId(id))
        .compose(removed -> mongo.removeDocuments(Store.WEBHOOK_DELIVERIES, deliveriesOfQuery(id))
            .map(v -> removed.getRemovedCount() > 0));
  }

  /** Queues these deliveries; one already queued (same {@code _id}) stays as it is. One bulk write. */
  Future<Void> queue(Collection<WebhookDelivery> deliveries) {
    if (deliveries.isEmpty()) {
      return Future.succeededFuture();
    }
    List<BulkOperation> writes = deliveries.stream()
        .map(delivery -> BulkOperation.createUpdate(byId(delivery.id()),
            new JsonObject().put("$setOnInsert", delivery.toDocument()), true, false))
        .toList();
    return mongo.bulkWriteWithOptions(Store.WEBHOOK_DELIVERIES, writes, UNORDERED).mapEmpty();
  }

  /**
   * Up to {@code limit} pending deliveries of these webhooks whose next attempt is due, soonest first. Only
   * webhooks that may send now are asked for, so the due work of a webhook at its limit never hides the others'.
   */
  Future<List<WebhookDelivery>> due(Collection<String> webhookIds, long nowMs, int limit) {
    if (webhookIds.isEmpty() || limit <= 0) {
      return Future.succeededFuture(List.of());
    }
    JsonObject query = new JsonObject()
        .put("status", WebhookDelivery.Status.PENDING.wireName())
        .put("webhookId", new JsonObject().put("$in", new JsonArray(List.copyOf(webhookIds))))
        .put("nextAttemptAtMs", new JsonObject().put("$lte", nowMs));
    FindOptions options = new FindOptions().setLimit(limit).setSort(new JsonObject().put("nextAttemptAtMs", 1));
    return mongo.findWithOptions(Store.WEBHOOK_DELIVERIES, query, options)
        .map(found -> found.stream().map(WebhookDelivery::fromDocument).toList());
  }

  /**
   * Takes a due delivery for one attempt: its next attempt moves to {@code leaseUntilMs}, so no other dispatcher (of
   * this process or another) finds it due meanwhile, and a dispatcher that dies mid-attempt leaves it to be tried
   * again once the lease is over. Empty when another took it first.
   */
  Future<Optional<WebhookDelivery>> claim(WebhookDelivery delivery, long nowMs, long leaseUntilMs) {
    JsonObject query = byId(delivery.id())
        .put("status", WebhookDelivery.Status.PENDING.wireName())
        .put("nextAttemptAtMs", new JsonObject().put("$lte", nowMs));
    JsonObject update = new JsonObject().put("$set", new JsonObject().put("nextAttemptAtMs", leaseUntilMs));
    return mongo.findOneAndUpdate(Store.WEBHOOK_DELIVERIES, query, update)
        .map(found -> Optional.ofNullable(found).map(claimed -> delivery));
  }

  /** Stores the delivery after an attempt: its attempts, status and next attempt. Only the lease holder calls it. */
  Future<Void> save(WebhookDelivery delivery) {
    return mongo.updateCollectionWithOptions(Store.WEBHOOK_DELIVERIES, byId(delivery.id()),
        new JsonObject().put("$set", delivery.progressDocument()), new UpdateOptions()).mapEmpty();
  }

  /** The webhook's deliveries, newest event first, at most {@link #SHOWN_DELIVERIES}. */
  public Future<List<WebhookDelivery>> deliveriesOf(String webhookId) {
    return mongo.find(Store.WEBHOOK_DELIVERIES, deliveriesOfQuery(webhookId)).map(found -> found.stream()
        .map(WebhookDelivery::fromDocument)
        .sorted(Comparator.comparing(WebhookDelivery::queuedAt).thenComparing(WebhookDelivery::id).reversed())
        .limit(SHOWN_DELIVERIES)
        .toList());
  }

  /** A webhook's deliveries by their {@code _id} prefix; webhook ids are UUIDs, nothing a regex reads as more. */
  private static JsonObject deliveriesOfQuery(String webhookId) {
    return new JsonObject().put("_id", new JsonObject().put("$regex", "^" + WebhookDelivery.idPrefixOf(webhookId)));
  }

  private static JsonObject byId(String id) {
    return new JsonObject().put("_id", id);
  }
}
