// When the driver page reads the device's active delivery, against a stand-in clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryWatch } from '../../../webroot/driver-delivery.js';
import { fakeClock, settle } from './fake-clock.mjs';

test('the delivery is read at once, then every interval; a nudge after accepted fixes asks at most that often', async () => {
  const clock = fakeClock(0);
  const reads = [];
  const results = [];
  const watch = new DeliveryWatch({
    load: async () => { reads.push(clock.time); return { state: 'none' }; },
    onResult: (r) => results.push(r), clock, intervalMs: 15_000,
  });
  watch.start();
  await settle();
  assert.deepEqual(reads, [0]);
  clock.advance(5_000);
  watch.nudge();
  await settle();
  assert.deepEqual(reads, [0], 'too soon after the last read');
  clock.advance(10_000);
  await settle();
  assert.deepEqual(reads, [0, 15_000], 'the interval');
  assert.equal(results.length, 2);

  watch.stop();
  clock.advance(60_000);
  watch.nudge();
  await settle();
  assert.equal(reads.length, 2, 'nothing after stop');
});

test('while the server cannot answer, reads slow down to every four intervals; accepted fixes bring one at once', async () => {
  const clock = fakeClock(0);
  const reads = [];
  let online = false;
  const watch = new DeliveryWatch({
    load: async () => { reads.push(clock.time); return { state: online ? 'none' : 'unknown' }; },
    onResult: () => {}, clock, intervalMs: 15_000,
  });
  watch.start();
  for (let t = 0; t < 210_000; t += 1_000) {
    await settle();
    clock.advance(1_000);
  }
  await settle();
  assert.deepEqual(reads, [0, 30_000, 90_000, 150_000, 210_000], '30 s, then 60 s apart');

  online = true;
  clock.advance(20_000);
  watch.nudge();
  await settle();
  assert.deepEqual(reads.at(-1), 230_000, 'back online: read now, not at 270 s');
  clock.advance(15_000);
  await settle();
  assert.deepEqual(reads.at(-1), 245_000, 'then every interval again');
  assert.equal(clock.timers.size, 1, 'one read scheduled, never two');
});

test('a read answered after the watch stopped (the driver switched device) is not shown', async () => {
  let finish;
  const results = [];
  const watch = new DeliveryWatch({ load: () => new Promise((resolve) => { finish = resolve; }), onResult: (r) => results.push(r), clock: fakeClock(0) });
  watch.start();
  watch.stop();
  finish({ state: 'active' });
  await settle();
  assert.deepEqual(results, []);
});
