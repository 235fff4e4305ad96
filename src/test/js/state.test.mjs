// What the page knows and how it changes: deliveries heard of, ETAs, the followed delivery, the connection.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mergePositions } from '../../../webroot/deliveries.js';
import {
  applyConfig, applySummary, browserBackOnline, byStart, connectionClosed, connectionOpened, createState, ensureDelivery,
  refreshEta, routeOf, setRoutes, settleFinished, toggleCamera, unfinishedDeliveries, unfinishedNotListed,
} from '../../../webroot/state.js';

const A = '3f2b8c1e-6a4d-4e9b-9c1a-0d2e4f6a8b10';
const B = '9a8b7c6d-1111-4222-8333-444455556666';
const NOW = 1_700_000_000_000;
const ROUTE = { id: '1', title: 'Downtown', lengthMetres: 2000, points: Array.from({ length: 5 }, (_, i) => ({ lat: 0, lon: i / 1000 })) };

describe('deliveries', () => {
  test('one delivery per id, each with its own colour; a later route id fills in an unknown one only', () => {
    const state = createState();
    const first = ensureDelivery(state, A, null);
    assert.equal(first.created, true);
    const again = ensureDelivery(state, A, '2');
    assert.equal(again.created, false);
    assert.equal(again.delivery, first.delivery);
    assert.equal(first.delivery.routeId, '2');
    ensureDelivery(state, A, '3');
    assert.equal(first.delivery.routeId, '2');
    const other = ensureDelivery(state, B, '1').delivery;
    assert.notEqual(other.colour, first.delivery.colour);
    assert.equal(state.deliveries.size, 2);
  });

  test('a delivery first heard of as finished history starts finished', () => {
    const state = createState();
    assert.equal(ensureDelivery(state, A, '1', { finished: true }).delivery.finished, true);
  });

  test('from a list summary: a running delivery is on the road, a finished one is history', () => {
    const state = createState();
    const running = applySummary(state, { deliveryId: A, routeId: '1', status: 'in-transit', pointCount: 5 }).delivery;
    assert.equal(running.finished, false);
    assert.equal(running.pointCount, 5);
    const done = applySummary(state, { deliveryId: B, routeId: 7, status: 'finished' }).delivery;
    assert.equal(done.finished, true);
    assert.equal(done.routeId, null, 'a route id that is not a string is not taken');
  });

  test('routes get their cumulative distances; a delivery finds its route', () => {
    const state = createState();
    setRoutes(state, [ROUTE]);
    const delivery = ensureDelivery(state, A, '1').delivery;
    assert.equal(routeOf(state, delivery).title, 'Downtown');
    assert.equal(routeOf(state, delivery).cumulative.length, 5);
    assert.equal(routeOf(state, ensureDelivery(state, B, null).delivery), null);
    assert.equal(routeOf(state, ensureDelivery(state, B, '9').delivery), null);
  });
});

describe('ETA', () => {
  test('the points left, one server interval each, from now', () => {
    const state = createState();
    applyConfig(state, { intervalMs: 200 });
    setRoutes(state, [ROUTE]);
    const delivery = ensureDelivery(state, A, '1').delivery;
    mergePositions(delivery, [{ seq: 1, position: { lat: 0, lon: 0.001 } }]);
    refreshEta(state, delivery, NOW);
    assert.equal(delivery.etaAt, NOW + 3 * 200);
  });

  test('none once arrived, and none while the route length is unknown', () => {
    const state = createState();
    const unknown = ensureDelivery(state, A, null).delivery;
    refreshEta(state, unknown, NOW);
    assert.equal(unknown.etaAt, null);
    setRoutes(state, [ROUTE]);
    const arrived = ensureDelivery(state, B, '1').delivery;
    settleFinished(state, arrived);
    refreshEta(state, arrived, NOW);
    assert.equal(arrived.etaAt, null);
  });

  test('a device\'s delivery has the server\'s ETA, and none while the server has none', () => {
    const state = createState();
    const delivery = ensureDelivery(state, A, null).delivery;
    mergePositions(delivery, [{ seq: NOW, deviceId: 'phone-1', position: { lat: 0, lon: 0 }, progress: 0, distanceRemainingMetres: 900 }]);
    refreshEta(state, delivery, NOW);
    assert.equal(delivery.etaAt, null);
    mergePositions(delivery, [{ seq: NOW + 10_000, deviceId: 'phone-1', position: { lat: 0, lon: 0 }, progress: 0.1,
      distanceRemainingMetres: 800, eta: new Date(NOW + 90_000).toISOString() }]);
    refreshEta(state, delivery, NOW + 10_000);
    assert.equal(delivery.etaAt, NOW + 90_000);
  });

  test('the server interval is taken only when usable', () => {
    const state = createState();
    for (const config of [null, {}, { intervalMs: 0 }, { intervalMs: -5 }, { intervalMs: '100' }, { intervalMs: Infinity }]) {
      applyConfig(state, config);
    }
    assert.equal(state.intervalMs, 500);
    applyConfig(state, { intervalMs: 60 });
    assert.equal(state.intervalMs, 60);
  });
});

describe('camera', () => {
  test('a click follows a delivery, a second click stops, another delivery takes over', () => {
    const state = createState();
    assert.equal(toggleCamera(state, A), A);
    assert.equal(toggleCamera(state, B), B);
    assert.equal(toggleCamera(state, B), null);
  });

  test('the camera stops following a delivery that arrives, not another one', () => {
    const state = createState();
    const a = ensureDelivery(state, A, '1').delivery;
    const b = ensureDelivery(state, B, '1').delivery;
    toggleCamera(state, A);
    settleFinished(state, b);
    assert.equal(state.cameraDeliveryId, A);
    settleFinished(state, a);
    assert.equal(state.cameraDeliveryId, null);
    assert.equal(a.finished, true);
  });
});

describe('connection', () => {
  test('offline at first; the first open is not a reconnect, later ones are', () => {
    const state = createState();
    assert.equal(state.connection, 'offline');
    assert.equal(connectionOpened(state), false);
    assert.equal(state.connection, 'live');
    connectionClosed(state, true);
    assert.equal(state.connection, 'reconnecting');
    assert.equal(connectionOpened(state), true);
  });

  test('closed without network is offline until the browser is online again', () => {
    const state = createState();
    connectionOpened(state);
    connectionClosed(state, false);
    assert.equal(state.connection, 'offline');
    assert.equal(browserBackOnline(state), true);
    assert.equal(state.connection, 'reconnecting');
    assert.equal(browserBackOnline(state), false, 'already reconnecting: nothing changes');
  });
});

test('after a reconnect: the unfinished deliveries the server no longer lists as active', () => {
  const state = createState();
  ensureDelivery(state, A, '1');
  ensureDelivery(state, B, '1');
  settleFinished(state, ensureDelivery(state, '00000000-0000-4000-8000-000000000000', '1').delivery);
  assert.deepEqual(unfinishedDeliveries(state).map((d) => d.id), [A, B]);
  assert.deepEqual(unfinishedNotListed(state, [B]).map((d) => d.id), [A]);
  assert.deepEqual(unfinishedNotListed(state, [A, B]), []);
});

test('listed deliveries read oldest start first, as live additions do', () => {
  const summaries = [{ deliveryId: 'c', startedAt: '2024-05-01T12:00:03Z' }, { deliveryId: 'a', startedAt: '2024-05-01T12:00:01Z' },
    { deliveryId: 'b', startedAt: '2024-05-01T12:00:02Z' }];
  assert.deepEqual(byStart(summaries).map((s) => s.deliveryId), ['a', 'b', 'c']);
  assert.equal(summaries[0].deliveryId, 'c', 'the server\'s list is left as it was');
});

test('the state is plain data throughout', () => {
  const state = createState();
  setRoutes(state, [ROUTE]);
  const delivery = ensureDelivery(state, A, '1').delivery;
  mergePositions(delivery, [{ seq: 0, position: { lat: 0, lon: 0 }, timestamp: 'x' }]);
  refreshEta(state, delivery, NOW);
  assert.deepEqual(structuredClone(state), state);
});
