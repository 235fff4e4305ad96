// The console's fleet rules: the fleet feed's batches, statuses and their counts, search, filters, sort, freshness.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDelivery, mergePositions } from '../../../webroot/deliveries.js';
import {
  STALE_AFTER_MS, applyEvent, countByStatus, fleetStates, freshnessOf, matches, pausedText, sortDeliveries, statusOf,
} from '../../../webroot/fleet.js';
import { formatClock } from '../../../webroot/format.js';

const A = '3f2b8c1e-6a4d-4e9b-9c1a-0d2e4f6a8b10';
const B = '9a8b7c6d-1111-4222-8333-444455556666';
const C = '0c0c0c0c-2222-4333-8444-555566667777';
const NOW = Date.parse('2026-12-01T14:00:00Z');
const at = (seq, timestamp = new Date(NOW).toISOString()) => ({ seq, position: { lat: 0, lon: seq / 1000 }, timestamp });

function onTheRoad(id, routeId = '1', seq = 3) {
  const delivery = createDelivery(id, routeId, '#000');
  mergePositions(delivery, [at(seq)]);
  return delivery;
}

describe('the fleet feed', () => {
  test('a batch gives each delivery once, its newest state, and drops what names no delivery', () => {
    const states = fleetStates({ deliveries: [
      { deliveryId: A, seq: 4 }, { deliveryId: B, seq: 1 }, { deliveryId: A, seq: 9 }, { deliveryId: A, seq: 7 },
      { deliveryId: 'nope', seq: 1 }, { deliveryId: C }, null,
    ] });
    assert.deepEqual(states, [{ deliveryId: A, seq: 9 }, { deliveryId: B, seq: 1 }]);
    assert.deepEqual(fleetStates(null), []);
    assert.deepEqual(fleetStates({ deliveries: 'x' }), []);
  });

  test('sparse states merge by seq with what the followed delivery\'s own address brought', () => {
    const delivery = createDelivery(A, '1', '#000');
    mergePositions(delivery, [at(5)]);
    mergePositions(delivery, [at(2), at(5), at(9)]);
    assert.deepEqual(delivery.positions.map((p) => p.seq), [2, 5, 9]);
  });
});

describe('statuses and counts', () => {
  test('assigned, en route, late (an event, or an ETA past the promise), delivered, cancelled', () => {
    const assigned = createDelivery(A, '1', '#000');
    const enRoute = onTheRoad(B);
    const lateByEvent = onTheRoad(C);
    applyEvent(lateByEvent, { type: 'late' });
    const lateByEta = onTheRoad('11111111-2222-4333-8444-555566667777');
    lateByEta.promisedBy = NOW;
    lateByEta.etaAt = NOW + 60_000;
    const delivered = onTheRoad('21111111-2222-4333-8444-555566667777');
    delivered.finished = true;
    const cancelled = onTheRoad('31111111-2222-4333-8444-555566667777');
    cancelled.finished = true;
    applyEvent(cancelled, { type: 'cancelled' });
    const all = [assigned, enRoute, lateByEvent, lateByEta, delivered, cancelled];
    assert.deepEqual(all.map(statusOf), ['assigned', 'en-route', 'late', 'late', 'delivered', 'cancelled']);
    assert.deepEqual(countByStatus(all), { assigned: 1, 'en-route': 1, late: 2, delivered: 1, cancelled: 1 });
    applyEvent(lateByEvent, { type: 'back_on_time' });
    assert.equal(statusOf(lateByEvent), 'en-route');
  });
});

describe('search and filters', () => {
  const order = onTheRoad(A, '2');
  order.reference = 'A-1042';
  order.customer = 'Ana Souza';
  order.deviceId = 'phone-7';
  const simulated = onTheRoad(B, '1');

  test('by order reference, delivery id, device, customer or route title, any case, every word', () => {
    for (const query of ['a-1042', 'ANA', '3f2b8c1e', 'phone-7', 'esplanada', 'ana a-10']) {
      assert.ok(matches(order, { query }, 'Esplanada'), query);
    }
    assert.ok(!matches(order, { query: 'ana pedro' }, 'Esplanada'));
    assert.ok(matches(simulated, { query: ' 9a8b ' }, 'Downtown'));
    assert.ok(matches(simulated, { query: '' }, 'Downtown'));
  });

  test('by status and by route', () => {
    assert.ok(matches(order, { status: 'en-route', routeId: '2' }, 'x'));
    assert.ok(!matches(order, { status: 'late' }, 'x'));
    assert.ok(!matches(order, { routeId: '1' }, 'x'));
  });
});

describe('sort', () => {
  const soon = onTheRoad(A);
  soon.etaAt = NOW + 10_000;
  const later = onTheRoad(B);
  later.etaAt = NOW + 90_000;
  const unknown = onTheRoad(C);
  const veryLate = onTheRoad('41111111-2222-4333-8444-555566667777');
  veryLate.promisedBy = NOW;
  veryLate.etaAt = NOW + 600_000;
  const slightlyLate = onTheRoad('51111111-2222-4333-8444-555566667777');
  slightlyLate.promisedBy = NOW;
  slightlyLate.etaAt = NOW + 60_000;
  const started = [unknown, later, veryLate, soon, slightlyLate];

  test('in start order, by ETA soonest first, or the latest first; the unknown last', () => {
    assert.deepEqual(sortDeliveries(started, 'started'), started);
    assert.deepEqual(sortDeliveries(started, 'eta'), [soon, slightlyLate, later, veryLate, unknown]);
    assert.deepEqual(sortDeliveries(started, 'lateness'), [veryLate, slightlyLate, soon, later, unknown]);
  });
});

describe('freshness', () => {
  test('"last update N s ago", stale past the limit while on the road, nothing before any news', () => {
    const delivery = onTheRoad(A);
    assert.deepEqual(freshnessOf(delivery, NOW + 12_400), { text: 'last update 12 s ago', stale: false });
    assert.deepEqual(freshnessOf(delivery, NOW + STALE_AFTER_MS + 1000), { text: 'last update 31 s ago', stale: true });
    assert.equal(freshnessOf(delivery, NOW + 5 * 60_000).text, 'last update 5 min ago');
    delivery.finished = true;
    assert.equal(freshnessOf(delivery, NOW + 5 * 60_000).stale, false, 'an arrived delivery has nothing more to say');
    assert.equal(freshnessOf(createDelivery(B, '1', '#000'), NOW), null);
  });

  test('while disconnected: since when updates are paused, as a clock time', () => {
    assert.equal(pausedText(NOW), `Updates paused since ${formatClock(NOW)}`);
  });
});
