/**
 * Signed webhooks: administrators' endpoints ({@link io.codedelivery.webhooks.Webhook}, kept by
 * {@link io.codedelivery.webhooks.WebhookStore}) that receive every matching delivery event as a POST signed with
 * their secret ({@link io.codedelivery.webhooks.WebhookSignature}). {@link io.codedelivery.webhooks.WebhookVerticle}
 * queues each event of {@code delivery.events} for its endpoints in MongoDB before committing it, and sends the queue
 * with retries, backoff and per-endpoint limits, so a restart resumes it and a dead endpoint delays nobody else.
 * {@link io.codedelivery.webhooks.TargetGuard} keeps endpoints off loopback, link-local and private addresses (SSRF).
 */
package io.codedelivery.webhooks;
