// What the customer page makes of its one delivery: the JSON taken in, positions merged by seq, and the figures.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDeliveryJson, applyPositions, createTracking, figuresOf } from '../../../webroot/track-state.js';

const ID = '3f2b8c1e-6a4d-4e9b-9c1a-0d2e4f6a8b10';
const T0 = Date.parse('2026-12-01T14:00:00Z');
const POINTS = Array.from({ length: 5 }, (_, i) => ({ lat: -15.8, lon: -47.9 + i / 1000 }));
const iso = (ms) => new Date(ms).toISOString();

/** A simulated delivery's JSON as GET /api/track/<token> answers it. */
function simulated(extra = {}) {
  return { deliveryId: ID, routeId: '1', status: 'started', pointCount: 5, intervalMs: 1000, startedAt: iso(T0),
    route: { id: '1', points: POINTS }, trackingUrl: '/track/x', ...extra };
}

/** Route point seq as the simulation publishes it, one interval after the previous. */
const at = (seq, extra = {}) => ({ deliveryId: ID, routeId: '1', seq, position: POINTS[seq], timestamp: iso(T0 + seq * 1000),
  finished: seq === POINTS.length - 1, ...extra });

describe('a simulated delivery', () => {
  test('waits for the vehicle until a position is known', () => {
    const figures = figuresOf(createTracking(simulated()));
    assert.equal(figures.phase, 'waiting');
    assert.equal(figures.vehicle, null);
    assert.equal(figures.etaAt, null);
  });

  test('on the way: progress and distance by the route, arrival one interval per point left after the latest', () => {
    const tracking = createTracking(simulated());
    applyPositions(tracking, [at(0), at(1)]);
    const figures = figuresOf(tracking);
    assert.equal(figures.phase, 'on-the-way');
    assert.deepEqual(figures.vehicle, POINTS[1]);
    assert.equal(figures.etaAt, T0 + 1000 + 3 * 1000);
    assert.ok(Math.abs(figures.progress - 0.25) < 1e-6, String(figures.progress));
    assert.ok(Math.abs(figures.remainingMetres - 3 * 107) < 3, String(figures.remainingMetres));
    assert.equal(figures.lastUpdateAt, T0 + 1000);
  });

  test('live positions and a catch-up read overlap and arrive out of order: merged by seq, each once', () => {
    const tracking = createTracking(simulated());
    assert.equal(applyPositions(tracking, [at(0), at(2)]).added, 2);
    assert.equal(applyPositions(tracking, [at(0), at(1), at(2), at(3)]).added, 2);
    assert.equal(applyPositions(tracking, [at(3), { seq: 'x' }, null]).added, 0);
    assert.deepEqual(tracking.delivery.positions.map((p) => p.seq), [0, 1, 2, 3]);
    assert.deepEqual(figuresOf(tracking).vehicle, POINTS[3]);
  });

  test('an older position filling a gap does not move the vehicle back', () => {
    const tracking = createTracking(simulated());
    applyPositions(tracking, [at(3)]);
    applyPositions(tracking, [at(1)]);
    assert.deepEqual(figuresOf(tracking).vehicle, POINTS[3]);
  });

  test('the finishing position ends it once: delivered at that position\'s time, nothing left', () => {
    const tracking = createTracking(simulated());
    applyPositions(tracking, [at(0), at(1), at(2), at(3)]);
    assert.equal(applyPositions(tracking, [at(4)]).ended, true);
    assert.equal(applyPositions(tracking, [at(4)]).ended, false);
    const figures = figuresOf(tracking);
    assert.equal(figures.phase, 'delivered');
    assert.equal(figures.finishedAt, T0 + 4000);
    assert.equal(figures.progress, 1);
    assert.equal(figures.remainingMetres, 0);
    assert.equal(figures.etaAt, null);
  });

  test('the server\'s figures stand while no position is held', () => {
    const tracking = createTracking(simulated({ status: 'in-transit', lastSeq: 2, lastPosition: POINTS[2], progress: 0.5,
      distanceRemainingMetres: 214, updatedAt: iso(T0 + 2000) }));
    const figures = figuresOf(tracking);
    assert.equal(figures.phase, 'on-the-way');
    assert.deepEqual(figures.vehicle, POINTS[2]);
    assert.equal(figures.progress, 0.5);
    assert.equal(figures.remainingMetres, 214);
    assert.equal(figures.lastUpdateAt, T0 + 2000);
  });

  test('opened after it arrived: delivered at the server\'s finishedAt', () => {
    const tracking = createTracking(simulated({ status: 'finished', lastSeq: 4, finishedAt: iso(T0 + 4100) }));
    assert.equal(tracking.delivery.finished, true);
    assert.equal(figuresOf(tracking).phase, 'delivered');
    assert.equal(figuresOf(tracking).finishedAt, T0 + 4100);
  });
});

describe('a device\'s delivery', () => {
  const device = (extra = {}) => ({ deliveryId: ID, deviceId: 'phone-7', status: 'assigned', destination: { lat: -15.79, lon: -47.88 },
    reference: '  ORD-1042 ', customer: { name: 'Maria Silva' }, ...extra });
  const fix = (seq, extra = {}) => ({ deliveryId: ID, deviceId: 'phone-7', seq, position: { lat: -15.8, lon: -47.9 }, timestamp: iso(seq),
    finished: false, ...extra });

  test('the destination it names, the words the customer knows it by', () => {
    const tracking = createTracking(device());
    assert.deepEqual(tracking.destination, { lat: -15.79, lon: -47.88 });
    assert.equal(tracking.route, null);
    assert.equal(tracking.reference, 'ORD-1042');
    assert.equal(tracking.customerName, 'Maria Silva');
    assert.equal(figuresOf(tracking).phase, 'waiting');
  });

  test('the server\'s own estimate from the newest position that carries one', () => {
    const tracking = createTracking(device());
    applyPositions(tracking, [fix(T0, { progress: 0.4, distanceRemainingMetres: 1500, eta: iso(T0 + 600_000) })]);
    applyPositions(tracking, [fix(T0 + 5000)]); // a late fix carries no estimate
    const figures = figuresOf(tracking);
    assert.equal(figures.phase, 'on-the-way');
    assert.equal(figures.progress, 0.4);
    assert.equal(figures.remainingMetres, 1500);
    assert.equal(figures.etaAt, T0 + 600_000);
  });

  test('completed: the end carries the server\'s estimate (arrived); cancelled: it carries none', () => {
    const completed = createTracking(device({ status: 'in-transit' }));
    applyPositions(completed, [fix(T0 + 9000, { finished: true, progress: 1, distanceRemainingMetres: 0, eta: iso(T0 + 9000) })]);
    assert.equal(figuresOf(completed).phase, 'delivered');
    assert.equal(figuresOf(completed).finishedAt, T0 + 9000);

    const cancelled = createTracking(device({ status: 'in-transit' }));
    applyPositions(cancelled, [fix(T0 + 9000, { finished: true })]);
    assert.equal(figuresOf(cancelled).phase, 'cancelled');
    assert.equal(figuresOf(cancelled).progress, null);
  });

  test('a re-read after the end has the last word on how and when it ended', () => {
    const tracking = createTracking(device({ status: 'in-transit' }));
    applyPositions(tracking, [fix(T0 + 9000, { finished: true })]);
    assert.equal(figuresOf(tracking).phase, 'cancelled');
    applyDeliveryJson(tracking, device({ status: 'delivered', finishedAt: iso(T0 + 9500) }));
    assert.equal(figuresOf(tracking).phase, 'delivered');
    assert.equal(figuresOf(tracking).finishedAt, T0 + 9500);
    assert.equal(figuresOf(createTracking(device({ status: 'cancelled' }))).phase, 'cancelled');
  });
});
