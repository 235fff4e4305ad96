// Where a replay stands: track times from stored timestamps, and the frame shown at a given time.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { indexAt, replayFrame, replayOffsets } from '../../../webroot/replay-track.js';

const stamp = (ms) => new Date(Date.parse('2024-05-01T12:00:00Z') + ms).toISOString();

describe('replayOffsets', () => {
  test('follow the stored timestamps, from the first point', () => {
    const points = [{ timestamp: stamp(0) }, { timestamp: stamp(400) }, { timestamp: stamp(1500) }];
    assert.deepEqual(replayOffsets(points, 500), [0, 400, 1500]);
  });

  test('never go backwards, and a missing timestamp counts one interval', () => {
    const points = [{ timestamp: stamp(0) }, { timestamp: stamp(1000) }, { timestamp: stamp(600) }, { timestamp: null }];
    assert.deepEqual(replayOffsets(points, 500), [0, 1000, 1000, 1500]);
  });

  test('a track without any duration gets one interval per point', () => {
    assert.deepEqual(replayOffsets([{ timestamp: stamp(0) }, { timestamp: stamp(0) }, { timestamp: stamp(0) }], 60), [0, 60, 120]);
    assert.deepEqual(replayOffsets([{}, {}, {}], 60), [0, 60, 120]);
  });
});

test('indexAt: the last point reached at that time', () => {
  const offsets = [0, 100, 100, 250, 1000];
  assert.equal(indexAt(offsets, 0), 0);
  assert.equal(indexAt(offsets, 99), 0);
  assert.equal(indexAt(offsets, 100), 2);
  assert.equal(indexAt(offsets, 999), 3);
  assert.equal(indexAt(offsets, 5000), 4);
});

describe('replayFrame', () => {
  const points = [{ lat: 0, lon: 0 }, { lat: 1, lon: 2 }, { lat: 3, lon: 2 }];
  const offsets = [0, 1000, 2000];

  test('at a stored point\'s time the vehicle is on that point, the trail ends there', () => {
    assert.deepEqual(replayFrame(points, offsets, 0, false), { index: 0, lat: 0, lon: 0, trail: [[0, 0], [0, 0]] });
    const second = replayFrame(points, offsets, 1000, false);
    assert.equal(second.index, 1);
    assert.deepEqual([second.lat, second.lon], [1, 2]);
    assert.deepEqual(second.trail, [[0, 0], [1, 2], [1, 2]]);
  });

  test('between two points the vehicle is part way, in proportion to the time between them', () => {
    const frame = replayFrame(points, offsets, 1250, false);
    assert.equal(frame.index, 1);
    assert.deepEqual([frame.lat, frame.lon], [1.5, 2]);
    assert.deepEqual(frame.trail.at(-1), [1.5, 2]);
  });

  test('done: at the last point whatever the clock says', () => {
    const frame = replayFrame(points, offsets, 0, true);
    assert.equal(frame.index, 2);
    assert.deepEqual([frame.lat, frame.lon], [3, 2]);
    assert.equal(frame.trail.length, 4);
  });

  test('an empty track has no frame', () => {
    assert.equal(replayFrame([], [], 0, false), null);
  });
});
