// The REST reads, against a stand-in server: which URLs the page asks for and what it makes of the answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApi, PAGE_LIMIT } from '../../../webroot/api.js';

/** A server answering by URL (null = no usable answer), recording what was asked. */
function server(answers) {
  const asked = [];
  const fetchJson = async (url) => {
    asked.push(url);
    return url in answers ? answers[url] : null;
  };
  return { asked, api: createApi(fetchJson) };
}

const list = (status, after) => `/api/deliveries?status=${status}&limit=${PAGE_LIMIT}${after ? `&after=${after}` : ''}`;

test('listAll follows next until the last page', async () => {
  const { api, asked } = server({
    [list('started')]: { items: [{ deliveryId: 'a' }], next: 'c1' },
    [list('started', 'c1')]: { items: [{ deliveryId: 'b' }], next: 'c2' },
    [list('started', 'c2')]: { items: [{ deliveryId: 'c' }] },
  });
  assert.deepEqual((await api.listAll('started')).map((s) => s.deliveryId), ['a', 'b', 'c']);
  assert.equal(asked.length, 3);
});

test('listAll stops after a few pages however many there are', async () => {
  const { api, asked } = server(new Proxy({}, {
    has: () => true,
    get: (_, url) => ({ items: [{ deliveryId: url }], next: `n${url.length}` }),
  }));
  assert.equal((await api.listAll('in-transit')).length, 5);
  assert.equal(asked.length, 5);
});

test('listAll: null when the first page fails, what was read when a later one does', async () => {
  assert.equal(await server({}).api.listAll('started'), null);
  const { api } = server({ [list('started')]: { items: [{ deliveryId: 'a' }], next: 'c1' } });
  assert.deepEqual(await api.listAll('started'), [{ deliveryId: 'a' }]);
  assert.equal(await server({ [list('started')]: { items: 'nope' } }).api.listAll('started'), null);
});

test('positions: from seq 0 without a query, from a later seq with fromSeq, null without an array', async () => {
  const id = '3f2b8c1e-6a4d-4e9b-9c1a-0d2e4f6a8b10';
  const { api, asked } = server({
    [`/api/deliveries/${id}/positions`]: [{ seq: 0 }],
    [`/api/deliveries/${id}/positions?fromSeq=7`]: [{ seq: 7 }],
  });
  assert.deepEqual(await api.positions(id), [{ seq: 0 }]);
  assert.deepEqual(await api.positions(id, 7), [{ seq: 7 }]);
  assert.equal(await api.positions(id, 9), null);
  assert.equal(await api.positions('../../routes'), null);
  assert.equal(asked.at(-1), '/api/deliveries/..%2F..%2Froutes/positions', 'an id cannot leave its path segment');
});
