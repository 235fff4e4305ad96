// The customer page's words: the status line from the delivery JSON and a clock, and the figures under it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPositions, createTracking, figuresOf } from '../../../webroot/track-state.js';
import { clockText, distanceText, lastUpdateText, progressText, statusLine } from '../../../webroot/track-text.js';

const ID = '3f2b8c1e-6a4d-4e9b-9c1a-0d2e4f6a8b10';
const UTC = { timeZone: 'UTC' };
const T0 = Date.parse('2026-12-01T14:20:00Z');
const POINTS = Array.from({ length: 5 }, (_, i) => ({ lat: -15.8, lon: -47.9 + i / 1000 }));
const iso = (ms) => new Date(ms).toISOString();

/** The status line of this delivery JSON (and these positions) at `now`, in UTC. */
function lineOf(json, positions, now) {
  const tracking = createTracking({ deliveryId: ID, routeId: '1', pointCount: 5, route: { id: '1', points: POINTS }, ...json });
  applyPositions(tracking, positions);
  return statusLine(figuresOf(tracking), now, UTC);
}

const at = (seq, ms) => ({ seq, position: POINTS[seq], timestamp: iso(ms), finished: seq === 4 });

describe('statusLine', () => {
  test('on the way: the arrival to the minute', () => {
    // Seq 1 at 14:20:00, three points left at four minutes each: 14:32.
    assert.equal(lineOf({ status: 'in-transit', intervalMs: 240_000 }, [at(1, T0)], T0 + 5000), 'On the way — arrives ~14:32');
  });

  test('the arrival rounds to the nearest minute', () => {
    assert.equal(lineOf({ status: 'in-transit', intervalMs: 240_000 + 10_000 }, [at(1, T0)], T0), 'On the way — arrives ~14:33');
  });

  test('within the last minute, or late, it is arriving now rather than a time already passed', () => {
    assert.equal(lineOf({ status: 'in-transit', intervalMs: 10_000 }, [at(1, T0)], T0), 'On the way — arriving now');
    assert.equal(lineOf({ status: 'in-transit', intervalMs: 60_000 }, [at(1, T0)], T0 + 3_600_000), 'On the way — arriving now');
  });

  test('a device\'s delivery whose speed the server does not know yet has no arrival time', () => {
    const json = { deliveryId: ID, deviceId: 'p', status: 'in-transit', lastPosition: POINTS[0] };
    assert.equal(statusLine(figuresOf(createTracking(json)), T0, UTC), 'On the way');
    const withEta = { ...json, eta: '2026-12-01T14:47:10Z', progress: 0.2, distanceRemainingMetres: 4000 };
    assert.equal(statusLine(figuresOf(createTracking(withEta)), T0, UTC), 'On the way — arrives ~14:47');
  });

  test('assigned, no position yet: waiting for the vehicle', () => {
    assert.equal(lineOf({ status: 'assigned' }, [], T0), 'Waiting for the vehicle');
    assert.equal(lineOf({ status: 'started' }, [], T0), 'Waiting for the vehicle');
  });

  test('delivered: at its finish time, from the JSON or from the finishing position', () => {
    assert.equal(lineOf({ status: 'finished', finishedAt: '2026-12-01T14:31:02Z' }, [], T0 + 3_600_000), 'Delivered at 14:31');
    assert.equal(lineOf({ status: 'delivered', finishedAt: '2026-12-01T14:30:40Z' }, [], T0), 'Delivered at 14:31');
    assert.equal(lineOf({ status: 'in-transit', intervalMs: 1000 }, [at(3, T0), at(4, T0 + 11 * 60_000)], T0), 'Delivered at 14:31');
    assert.equal(lineOf({ status: 'delivered' }, [], T0), 'Delivered');
  });

  test('cancelled', () => {
    assert.equal(lineOf({ status: 'cancelled', finishedAt: '2026-12-01T14:31:02Z' }, [], T0), 'Cancelled');
  });
});

test('clockText: 24-hour hours and minutes in the given zone', () => {
  assert.equal(clockText(Date.parse('2026-12-01T09:05:00Z'), UTC), '09:05');
  assert.equal(clockText(Date.parse('2026-12-01T23:59:40Z'), UTC), '00:00');
  assert.equal(clockText(Date.parse('2026-12-01T14:32:00Z'), { timeZone: 'America/Sao_Paulo' }), '11:32');
});

describe('lastUpdateText', () => {
  test('seconds, then minutes, then the time of day; never in the future', () => {
    assert.equal(lastUpdateText(T0, T0 + 4_900, UTC), '4 s ago');
    assert.equal(lastUpdateText(T0, T0 + 59_999, UTC), '59 s ago');
    assert.equal(lastUpdateText(T0, T0 + 60_000, UTC), '1 min ago');
    assert.equal(lastUpdateText(T0, T0 + 3_599_000, UTC), '59 min ago');
    assert.equal(lastUpdateText(T0, T0 + 3_600_000, UTC), 'at 14:20');
    assert.equal(lastUpdateText(T0 + 2000, T0, UTC), '0 s ago');
  });

  test('none yet when nothing was heard of the vehicle', () => {
    assert.equal(lastUpdateText(null, T0), 'none yet');
  });
});

test('distanceText: metres on the last stretch, kilometres before; progressText: whole percent', () => {
  assert.equal(distanceText(0), '0 m');
  assert.equal(distanceText(347), '350 m');
  assert.equal(distanceText(996), '1.0 km');
  assert.equal(distanceText(1234), '1.2 km');
  assert.equal(distanceText(null), null);
  assert.equal(progressText(0.256), '26 %');
  assert.equal(progressText(1), '100 %');
  assert.equal(progressText(null), null);
});
