// The page's address: which delivery an operator's link opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHash } from '../../../webroot/routing.js';

const ID = '3f2b8c1e-6a4d-4e9b-9c1a-0d2e4f6a8b10';

test('a delivery link opens its delivery', () => {
  assert.deepEqual(parseHash(`#/deliveries/${ID}`), { view: 'delivery', id: ID });
  assert.deepEqual(parseHash(`#/deliveries/${encodeURIComponent(ID)}`), { view: 'delivery', id: ID });
});

test('a share link whose case was changed still opens its delivery, as the server names it', () => {
  assert.deepEqual(parseHash(`#/deliveries/${ID.toUpperCase()}`), { view: 'delivery', id: ID });
});

test('no delivery named: the plain map', () => {
  for (const hash of ['', '#', '#/', '#/routes/1', '#deliveries/x', undefined, `#/deliveries/${ID}/positions`, '#/deliveries/']) {
    assert.deepEqual(parseHash(hash), { view: 'map' }, String(hash));
  }
});

test('a delivery link whose id is not a delivery id is invalid, including a mangled escape', () => {
  for (const hash of ['#/deliveries/abc', '#/deliveries/%E0%A4%A', `#/deliveries/${ID}x`, '#/deliveries/%2e%2e']) {
    assert.deepEqual(parseHash(hash), { view: 'invalid' }, hash);
  }
});
