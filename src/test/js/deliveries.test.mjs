// Merge rules: a delivery's positions by seq, however live messages and stored batches interleave.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  colourFor, createDelivery, firstMissingSeq, hasGap, holdsWholeTrack, isDeliveryId, latestEstimate, latestPosition, mergePositions,
  remainingPoints,
} from '../../../webroot/deliveries.js';

const ID = '3f2b8c1e-6a4d-4e9b-9c1a-0d2e4f6a8b10';
const position = (seq, extra = {}) => ({ deliveryId: ID, seq, position: { lat: -15.8 + seq / 1000, lon: -47.9 }, ...extra });
const seqsOf = (delivery) => delivery.positions.map((p) => p.seq);
const fresh = () => createDelivery(ID, null, '#000');

describe('mergePositions', () => {
  test('keeps positions in seq order whatever order they arrive in', () => {
    const delivery = fresh();
    assert.equal(mergePositions(delivery, [position(3), position(0), position(2)]), 3);
    mergePositions(delivery, [position(1)]);
    assert.deepEqual(seqsOf(delivery), [0, 1, 2, 3]);
  });

  test('a seq already held is not added again (live and catch-up overlap after a reconnect)', () => {
    const delivery = fresh();
    mergePositions(delivery, [position(0), position(1), position(2)]);
    assert.equal(mergePositions(delivery, [position(1), position(2), position(3), position(3)]), 1);
    assert.deepEqual(seqsOf(delivery), [0, 1, 2, 3]);
  });

  test('the first copy of a seq stays: a replayed message does not move the point', () => {
    const delivery = fresh();
    mergePositions(delivery, [position(0)]);
    mergePositions(delivery, [{ seq: 0, position: { lat: 1, lon: 1 } }]);
    assert.equal(delivery.positions[0].lat, -15.8);
  });

  test('malformed messages are ignored, not fatal', () => {
    const delivery = fresh();
    const added = mergePositions(delivery, [null, {}, { seq: -1, position: { lat: 0, lon: 0 } }, { seq: 1.5, position: { lat: 0, lon: 0 } },
      { seq: 2, position: { lat: 'x', lon: 0 } }, { seq: 3, position: { lat: NaN, lon: 0 } }, { seq: 4 }, position(5)]);
    assert.equal(added, 1);
    assert.deepEqual(seqsOf(delivery), [5]);
  });

  test('learns the route from a position when it was unknown, and never changes a known one', () => {
    const delivery = fresh();
    mergePositions(delivery, [position(0, { routeId: '2' })]);
    assert.equal(delivery.routeId, '2');
    mergePositions(delivery, [position(1, { routeId: '3' })]);
    assert.equal(delivery.routeId, '2');
  });

  test('a position marked finished finishes the delivery, even when it arrives before the ones in between', () => {
    const delivery = fresh();
    mergePositions(delivery, [position(0)]);
    mergePositions(delivery, [position(4, { finished: true })]);
    assert.equal(delivery.finished, true);
    assert.equal(latestPosition(delivery).seq, 4);
  });

  test('a duplicate of the finishing position does nothing', () => {
    const delivery = fresh();
    mergePositions(delivery, [position(0, { finished: false })]);
    assert.equal(mergePositions(delivery, [position(0, { finished: true })]), 0);
    assert.equal(delivery.finished, false);
  });
});

describe('gaps', () => {
  test('no gap while seqs run 0..n-1; a gap once a seq is missing', () => {
    const delivery = fresh();
    assert.equal(hasGap(delivery), false);
    assert.equal(firstMissingSeq(delivery), 0);
    mergePositions(delivery, [position(0), position(1)]);
    assert.equal(hasGap(delivery), false);
    assert.equal(firstMissingSeq(delivery), 2);
    mergePositions(delivery, [position(5)]);
    assert.equal(hasGap(delivery), true);
    assert.equal(firstMissingSeq(delivery), 2);
  });

  test('joined late (no seq 0): the catch-up starts at 0', () => {
    const delivery = fresh();
    mergePositions(delivery, [position(40), position(41)]);
    assert.equal(hasGap(delivery), true);
    assert.equal(firstMissingSeq(delivery), 0);
  });

  test('the first hole is found in a long track with several holes', () => {
    const delivery = fresh();
    const seqs = [...Array(1000).keys()].filter((seq) => seq !== 617 && seq !== 800);
    mergePositions(delivery, seqs.map((seq) => position(seq)));
    assert.equal(firstMissingSeq(delivery), 617);
    mergePositions(delivery, [position(617)]);
    assert.equal(firstMissingSeq(delivery), 800);
    mergePositions(delivery, [position(800)]);
    assert.equal(hasGap(delivery), false);
    assert.equal(firstMissingSeq(delivery), 1000);
  });
});

describe('remainingPoints', () => {
  const route = { points: Array.from({ length: 10 }, () => ({ lat: 0, lon: 0 })) };

  test('counts the points after the latest one held', () => {
    const delivery = fresh();
    assert.equal(remainingPoints(delivery, route), 10, "no position yet: every point still to drive");
    mergePositions(delivery, [position(0), position(3)]);
    assert.equal(remainingPoints(delivery, route), 6);
  });

  test('falls back to the summary point count, and is unknown without either', () => {
    const delivery = fresh();
    assert.equal(remainingPoints(delivery, null), null);
    delivery.pointCount = 5;
    mergePositions(delivery, [position(1)]);
    assert.equal(remainingPoints(delivery, null), 3);
  });

  test('a finished delivery has nothing left, even with points missing', () => {
    const delivery = fresh();
    mergePositions(delivery, [position(2, { finished: true })]);
    assert.equal(remainingPoints(delivery, route), 0);
  });
});

test('delivery ids are lower-case UUIDs only, as the server makes and checks them', () => {
  assert.equal(isDeliveryId(ID), true);
  for (const bad of [undefined, null, 42, '', 'abc', `${ID}x`, `../${ID}`, '3f2b8c1e6a4d4e9b9c1a0d2e4f6a8b10', ID.toUpperCase()]) {
    assert.equal(isDeliveryId(bad), false, String(bad));
  }
});

test('colours: the palette first, then distinct hues', () => {
  const colours = Array.from({ length: 40 }, (_, i) => colourFor(i));
  assert.equal(new Set(colours).size, 40);
  assert.match(colours[0], /^#[0-9a-f]{6}$/);
  assert.match(colours[10], /^hsl\(\d+, 70%, 35%\)$/);
});

test('a new delivery is plain data: nothing drawn hangs on it', () => {
  const delivery = createDelivery(ID, '1', '#123456');
  assert.deepEqual(JSON.parse(JSON.stringify(delivery)), delivery);
  assert.deepEqual(Object.keys(delivery).sort(),
    ['colour', 'customer', 'device', 'deviceId', 'etaAt', 'finished', 'finishedAt', 'id', 'late', 'outcome', 'pointCount',
      'positions', 'promisedBy', 'reference', 'routeId', 'trackingUrl']);
});

describe('a device\'s delivery (seqs are fix times)', () => {
  const T = Date.parse('2026-05-01T10:00:00Z');
  const fix = (secondsAfter, extra = {}) => position(T + secondsAfter * 1000, { deviceId: 'phone-1', ...extra });

  test('is recognised by its positions and never reports a gap, however far apart its fix times are', () => {
    const delivery = fresh();
    mergePositions(delivery, [fix(0), fix(10), fix(25)]);
    assert.equal(delivery.device, true);
    assert.equal(hasGap(delivery), false);
    assert.deepEqual(seqsOf(delivery), [T, T + 10_000, T + 25_000]);
  });

  test('catches up from the newest held fix, not from seq 0', () => {
    const delivery = fresh();
    assert.equal(firstMissingSeq(delivery), 0);
    mergePositions(delivery, [fix(0), fix(30), fix(10)]);
    assert.equal(firstMissingSeq(delivery), T + 30_000);
  });

  test('a late fix finds its place in fix-time order and the server\'s figures stay those of the newest', () => {
    const delivery = fresh();
    mergePositions(delivery, [fix(0, { progress: 0, distanceRemainingMetres: 1000 }),
      fix(20, { progress: 0.2, distanceRemainingMetres: 800, eta: '2026-05-01T10:01:40Z' })]);
    mergePositions(delivery, [fix(10)]); // buffered by the phone, sent late: no estimate
    assert.deepEqual(seqsOf(delivery), [T, T + 10_000, T + 20_000]);
    assert.deepEqual(latestEstimate(delivery), { progress: 0.2, remainingMetres: 800, etaAt: T + 100_000 });
  });

  test('an estimate out of range or of the wrong type is no estimate', () => {
    const delivery = fresh();
    mergePositions(delivery, [fix(0, { progress: 1.5, distanceRemainingMetres: 10 }), fix(1, { progress: 0.5, distanceRemainingMetres: '9' })]);
    assert.equal(latestEstimate(delivery), null);
    mergePositions(delivery, [fix(2, { progress: 0.5, distanceRemainingMetres: 9, eta: 'soon' })]);
    assert.deepEqual(latestEstimate(delivery), { progress: 0.5, remainingMetres: 9, etaAt: null });
  });
});

describe('holdsWholeTrack', () => {
  test('a track without a gap is whole only once it holds the position marked finished (an arrival can come before it)', () => {
    const delivery = fresh();
    assert.equal(holdsWholeTrack(delivery), false, 'nothing held');
    mergePositions(delivery, [position(0), position(1)]);
    assert.equal(hasGap(delivery), false);
    assert.equal(holdsWholeTrack(delivery), false, 'no gap, but the last position is still to come');
    mergePositions(delivery, [position(3, { finished: true })]);
    assert.equal(holdsWholeTrack(delivery), false, 'the last position, after a gap');
    mergePositions(delivery, [position(2)]);
    assert.equal(holdsWholeTrack(delivery), true);
  });
});
