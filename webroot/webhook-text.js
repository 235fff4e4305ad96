// The webhooks page's words and checks, without the DOM (so node tests read them): which event types exist, what
// makes a registration usable before it is sent, and how a delivery and its attempts read.

/** The event types a webhook may subscribe to, as the server names them (DeliveryEvent.Type). */
export const EVENT_TYPES = Object.freeze(['started', 'arriving', 'delivered', 'cancelled', 'late', 'back_on_time',
  'stalled', 'resumed', 'off_route', 'back_on_route']);

/** The shortest secret the server accepts. */
export const MIN_SECRET_LENGTH = 16;

/** Why these details cannot register a webhook, or null when they can (the server still checks the target). */
export function newWebhookProblem({ url, secret }) {
  if (typeof url !== 'string' || !/^https?:\/\/[^/\s]+/i.test(url.trim())) {
    return 'Enter the endpoint\'s URL, starting with https:// (or http://).';
  }
  if (typeof secret !== 'string' || [...secret].length < MIN_SECRET_LENGTH) {
    return `The secret needs at least ${MIN_SECRET_LENGTH} characters.`;
  }
  return null;
}

/** Which events a webhook receives, in words: "all events" for an empty subscription. */
export function eventsText(events) {
  return Array.isArray(events) && events.length > 0 ? `Events: ${events.join(', ')}` : 'Events: all';
}

/** One attempt, as a line: when, and the HTTP status or the error, and how long it took. */
export function attemptText(attempt, formatTime) {
  const answer = attempt.status !== undefined && attempt.status !== null
    ? `HTTP ${attempt.status}${attempt.error ? ` (${attempt.error})` : ''}`
    : attempt.error ?? 'no answer';
  return `${formatTime(attempt.at)} · ${answer} · ${attempt.durationMs ?? 0} ms`;
}

/** One delivery's headline: its event, where it stands and, while pending, when it is next tried. */
export function deliveryText(delivery, formatTime) {
  const attempts = delivery.attemptCount === 1 ? '1 attempt' : `${delivery.attemptCount ?? 0} attempts`;
  const next = delivery.status === 'pending' && delivery.nextAttemptAt ? ` · next ${formatTime(delivery.nextAttemptAt)}` : '';
  return `${delivery.type} · ${delivery.status} · ${attempts}${next}`;
}
