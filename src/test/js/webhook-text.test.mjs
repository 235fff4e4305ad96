// The webhooks page's checks and words: what it refuses before asking the server, and how deliveries read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attemptText, deliveryText, EVENT_TYPES, eventsText, newWebhookProblem } from '../../../webroot/webhook-text.js';

const at = (iso) => `t(${iso})`;

test('a registration needs an http(s) URL and a secret of 16 characters', () => {
  assert.equal(newWebhookProblem({ url: 'https://example.com/hook', secret: 'sixteen-chars-ok' }), null);
  assert.equal(newWebhookProblem({ url: ' http://example.com:8080/a ', secret: 'x'.repeat(16) }), null);
  for (const url of ['', 'example.com/hook', 'ftp://example.com/', 'https://', 'javascript:alert(1)', undefined]) {
    assert.match(newWebhookProblem({ url, secret: 'x'.repeat(16) }), /URL/, String(url));
  }
  assert.match(newWebhookProblem({ url: 'https://example.com/', secret: 'x'.repeat(15) }), /16 characters/);
});

test('the event types are the server\'s, and none chosen reads as all', () => {
  assert.ok(EVENT_TYPES.includes('off_route') && EVENT_TYPES.includes('back_on_time'));
  assert.equal(eventsText([]), 'Events: all');
  assert.equal(eventsText(['arriving', 'delivered']), 'Events: arriving, delivered');
});

test('an attempt reads as its time, answer or error, and duration', () => {
  assert.equal(attemptText({ at: 'A', status: 200, durationMs: 12 }, at), 't(A) · HTTP 200 · 12 ms');
  assert.equal(attemptText({ at: 'A', status: 302, error: 'redirect not followed', durationMs: 3 }, at),
    't(A) · HTTP 302 (redirect not followed) · 3 ms');
  assert.equal(attemptText({ at: 'A', error: 'Connection refused', durationMs: 1 }, at), 't(A) · Connection refused · 1 ms');
});

test('a delivery reads as its type, status, attempts and, while pending, its next attempt', () => {
  assert.equal(deliveryText({ type: 'delivered', status: 'delivered', attemptCount: 1 }, at), 'delivered · delivered · 1 attempt');
  assert.equal(deliveryText({ type: 'late', status: 'pending', attemptCount: 3, nextAttemptAt: 'N' }, at),
    'late · pending · 3 attempts · next t(N)');
});
