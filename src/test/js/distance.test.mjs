// Distance left along a route, for "km left".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cumulativeMetres, remainingMetres } from '../../../webroot/distance.js';

// 0.01° of longitude on the equator is about 1112 m.
const points = [{ lat: 0, lon: 0 }, { lat: 0, lon: 0.01 }, { lat: 0, lon: 0.03 }];

test('cumulative distance grows along the route', () => {
  const totals = cumulativeMetres(points);
  assert.equal(totals[0], 0);
  assert.ok(Math.abs(totals[1] - 1112) < 2, String(totals[1]));
  assert.ok(Math.abs(totals[2] - 3336) < 5, String(totals[2]));
});

test('remaining metres follow the route geometry, scaled to the server\'s length', () => {
  const route = { points, cumulative: cumulativeMetres(points), lengthMetres: 3000 };
  assert.equal(remainingMetres(route, 0), 3000);
  assert.ok(Math.abs(remainingMetres(route, 1) - 2000) < 1);
  assert.equal(remainingMetres(route, 2), 0);
});

test('a seq beyond either end is clamped; without a server length the geometry gives it', () => {
  const route = { points, cumulative: cumulativeMetres(points) };
  assert.equal(remainingMetres(route, 99), 0);
  assert.equal(remainingMetres(route, -3), route.cumulative[2]);
  assert.equal(remainingMetres({ points: [points[0]], cumulative: [0] }, 0), 0);
});
