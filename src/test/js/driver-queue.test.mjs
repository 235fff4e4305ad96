// The driver page's outbox against a stand-in ingestion server: order, retry and backoff, stops, persistence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeClock, settle } from './fake-clock.mjs';
import { FixQueue, MAX_RETRY_MS, outboxStatus, outcomeOf, retryDelayMs } from '../../../webroot/driver-queue.js';

/** Web Storage over a Map, optionally refusing writes (quota exceeded, private browsing). */
function fakeStorage({ refuseWrites = false } = {}) {
  const items = new Map();
  return {
    items,
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem(key, value) {
      if (refuseWrites) {
        throw new Error('QuotaExceededError');
      }
      items.set(key, String(value));
    },
    removeItem: (key) => items.delete(key),
  };
}

/** An ingestion server answering each post from a script of statuses (then 200s), recording what it got. */
function server(statuses = []) {
  const script = [...statuses];
  const received = [];
  let release = null;
  const post = async (fix) => {
    received.push(fix.timestamp);
    const next = script.length > 0 ? script.shift() : 200;
    if (next === 'hang') {
      await new Promise((resolve) => { release = resolve; });
      return { status: 200 };
    }
    if (next instanceof Error) {
      throw next;
    }
    return typeof next === 'object' ? next : { status: next, reason: next === 200 ? '' : `refused ${next}` };
  };
  return { post, received, release: () => release() };
}

const fix = (timestamp) => ({ id: 'van-7', lat: -15.8, lon: -47.9, timestamp });

test('answers: 2xx sent; no answer, timeouts, busy and server errors retried; other 4xx stop', () => {
  assert.equal(outcomeOf(200), 'sent');
  assert.equal(outcomeOf(204), 'sent');
  for (const status of [0, 408, 425, 429, 500, 502, 503, 504]) {
    assert.equal(outcomeOf(status), 'retry', String(status));
  }
  for (const status of [400, 401, 403, 404, 413, 415]) {
    assert.equal(outcomeOf(status), 'stop', String(status));
  }
});

test('retry waits double from one second up to a minute, jittered within the upper half; Retry-After wins when longer', () => {
  assert.deepEqual([1, 2, 3, 7, 30].map((n) => retryDelayMs(n, () => 1)), [1_000, 2_000, 4_000, MAX_RETRY_MS, MAX_RETRY_MS]);
  assert.equal(retryDelayMs(3, () => 0), 2_000);
  assert.equal(retryDelayMs(1, () => 1, 5_000), 5_000);
  assert.equal(retryDelayMs(4, () => 1, 1_000), 8_000);
  assert.equal(retryDelayMs(1, () => 1, 3_600_000), MAX_RETRY_MS);
});

test('fixes go one at a time in the order taken, each leaving the outbox only after its 200', async () => {
  const ingest = server(['hang']);
  const queue = new FixQueue({ post: ingest.post, clock: fakeClock() });
  queue.add(fix(1));
  queue.add(fix(2));
  queue.add(fix(3));
  await settle();
  assert.deepEqual(ingest.received, [1], 'the second waits for the first answer');
  assert.equal(queue.snapshot().state, 'sending');
  assert.equal(queue.length, 3);

  ingest.release();
  await settle();
  assert.deepEqual(ingest.received, [1, 2, 3]);
  assert.equal(queue.length, 0);
  assert.equal(queue.snapshot().state, 'idle');
});

test('no answer or a server error: the same fix again after the backoff, and nothing after it overtakes it', async () => {
  const clock = fakeClock();
  const ingest = server([new TypeError('Failed to fetch'), { status: 503, reason: 'busy', retryAfterMs: 3_000 }, 500]);
  const queue = new FixQueue({ post: ingest.post, clock, random: () => 1 });
  queue.add(fix(1));
  await settle();
  queue.add(fix(2));
  await settle();
  assert.deepEqual(ingest.received, [1]);
  assert.equal(queue.snapshot().state, 'waiting');
  assert.equal(queue.snapshot().retryAt, clock.time + 1_000);
  assert.equal(queue.snapshot().lastError, 'Failed to fetch');

  clock.advance(999);
  await settle();
  assert.deepEqual(ingest.received, [1], 'not before the wait is over');
  clock.advance(1);
  await settle();
  assert.deepEqual(ingest.received, [1, 1]);
  assert.equal(queue.snapshot().retryAt, clock.time + 3_000, 'the server\'s Retry-After, longer than 2 s');
  clock.advance(3_000);
  await settle();
  assert.deepEqual(ingest.received, [1, 1, 1]);
  clock.advance(4_000);
  await settle();
  assert.deepEqual(ingest.received, [1, 1, 1, 1, 2]);
  assert.equal(queue.length, 0);
  assert.equal(queue.snapshot().lastSentAt, clock.time);
  assert.equal(queue.snapshot().lastError, null);
});

test('a 400 stops sending and keeps the fixes and the server\'s reason until the driver retries or discards', async () => {
  const clock = fakeClock();
  const ingest = server([{ status: 400, reason: "unknown device 'van-7'" }]);
  const queue = new FixQueue({ post: ingest.post, clock });
  queue.add(fix(1));
  await settle();
  queue.add(fix(2));
  clock.advance(3_600_000);
  await settle();
  assert.deepEqual(ingest.received, [1], 'no retry by itself');
  assert.deepEqual(queue.snapshot().stopped, { status: 400, reason: "unknown device 'van-7'" });
  assert.equal(queue.snapshot().state, 'stopped');
  assert.equal(queue.length, 2);

  queue.retryNow();
  await settle();
  assert.deepEqual(ingest.received, [1, 1, 2]);
  assert.equal(queue.length, 0);

  const refused = server([400]);
  const other = new FixQueue({ post: refused.post, clock });
  other.add(fix(5));
  await settle();
  other.discardAll();
  assert.equal(other.length, 0);
  assert.equal(other.snapshot().stopped, null);
});

test('retryNow skips the backoff wait, as when the browser says it is online again', async () => {
  const clock = fakeClock();
  const ingest = server([0]);
  const queue = new FixQueue({ post: ingest.post, clock });
  queue.add(fix(1));
  await settle();
  assert.equal(queue.snapshot().state, 'waiting');
  queue.retryNow();
  await settle();
  assert.deepEqual(ingest.received, [1, 1]);
  assert.equal(queue.length, 0);
  assert.equal(clock.timers.size, 0, 'the abandoned wait fires nothing later');
});

test('a reload keeps every fix not yet acknowledged, in order, and the last send time', async () => {
  const storage = fakeStorage();
  const clock = fakeClock();
  const first = server([200, 'hang']);
  const before = new FixQueue({ post: first.post, storage, clock });
  for (const t of [1, 2, 3, 4]) {
    before.add(fix(t));
  }
  await settle();
  assert.deepEqual(first.received, [1, 2], 'fix 1 acknowledged, fix 2 in flight when the page goes');

  const second = server();
  const after = new FixQueue({ post: second.post, storage, clock });
  assert.equal(after.length, 3);
  assert.equal(after.snapshot().lastSentAt, clock.time);
  after.add(fix(5));
  await settle();
  assert.deepEqual(second.received, [2, 3, 4, 5], 'the unanswered one again, then the rest, then the new one');
  assert.deepEqual([...storage.items.keys()].filter((k) => /\.\d+$/.test(k)), [], 'sent fixes leave storage');
  assert.equal(new FixQueue({ post: second.post, storage, clock }).length, 0);
});

test('unreadable storage entries are skipped, not sent, and do not block the rest', async () => {
  const storage = fakeStorage();
  const prefix = 'codeDelivery.driver.outbox';
  storage.setItem(`${prefix}.head`, '3');
  storage.setItem(`${prefix}.tail`, '6');
  storage.setItem(`${prefix}.3`, JSON.stringify(fix(3)));
  storage.setItem(`${prefix}.4`, '{not json');
  storage.setItem(`${prefix}.5`, JSON.stringify(fix(5)));
  const ingest = server();
  const queue = new FixQueue({ post: ingest.post, storage, clock: fakeClock() });
  assert.equal(queue.length, 2);
  queue.add(fix(6));
  await settle();
  assert.deepEqual(ingest.received, [3, 5, 6]);
  assert.equal(storage.getItem(`${prefix}.tail`), '7');
});

test('storage that refuses writes (private browsing, full) still sends from memory and says it is not kept', async () => {
  const ingest = server();
  const queue = new FixQueue({ post: ingest.post, storage: fakeStorage({ refuseWrites: true }), clock: fakeClock() });
  queue.add(fix(1));
  await settle();
  assert.deepEqual(ingest.received, [1]);
  assert.equal(queue.snapshot().persisted, false);
});

test('a full outbox drops its oldest fixes, counting them, and never the newest', async () => {
  const storage = fakeStorage();
  const ingest = server(['hang']);
  const queue = new FixQueue({ post: ingest.post, storage, clock: fakeClock(), maxQueued: 3 });
  for (const t of [1, 2, 3, 4, 5]) {
    queue.add(fix(t));
  }
  await settle();
  assert.equal(queue.length, 3);
  assert.equal(queue.snapshot().dropped, 2);
  ingest.release();
  await settle();
  assert.deepEqual(ingest.received, [1, 3, 4, 5], 'the in-flight fix was acknowledged; 2 was dropped');
  assert.equal(queue.length, 0);
});

test('every change is reported, and each accepted fix too', async () => {
  const snapshots = [];
  let sent = 0;
  const queue = new FixQueue({ post: server().post, clock: fakeClock(), onChange: (s) => snapshots.push(s.length), onSent: () => { sent += 1; } });
  queue.add(fix(1));
  await settle();
  assert.equal(sent, 1);
  assert.equal(snapshots.at(-1), 0);
  assert.ok(snapshots.includes(1));
});

test('the connection badge: stopped and offline first, then retrying with the seconds left, then online once sent', () => {
  const base = { state: 'idle', stopped: null, lastSentAt: null, retryAt: null };
  assert.deepEqual(outboxStatus({ ...base, stopped: { status: 400, reason: 'x' } }, true, 0), { text: 'stopped', tone: 'offline' });
  assert.deepEqual(outboxStatus({ ...base, state: 'waiting', retryAt: 4_200 }, false, 0), { text: 'offline', tone: 'offline' });
  assert.deepEqual(outboxStatus({ ...base, state: 'waiting', retryAt: 4_200 }, true, 0), { text: 'retrying in 5 s', tone: 'waiting' });
  assert.deepEqual(outboxStatus(base, true, 0), { text: 'not sent yet', tone: 'waiting' });
  assert.deepEqual(outboxStatus({ ...base, lastSentAt: 1 }, true, 0), { text: 'online', tone: 'online' });
});
