// The driver page's server calls against stand-in servers: what is asked, and what the page makes of the answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDriverApi } from '../../../webroot/driver-api.js';

/** A fetch answering from a function of (url, init), recording the calls. */
function stand(answer) {
  const calls = [];
  const fetchImpl = async (url, init = {}) => {
    calls.push({ url, init });
    const reply = await answer(url, init);
    const headers = new Headers(reply.headers ?? {});
    return new Response(reply.body ?? '', { status: reply.status, headers });
  };
  return { calls, api: createDriverApi(fetchImpl, { timeoutMs: 1_000 }) };
}

const FIX = { id: 'van-7', lat: -15.8, lon: -47.9, timestamp: 1_767_225_600_000, speed: 19.44 };

test('a fix is a form-encoded POST without cookies or custom headers (a CORS simple request)', async () => {
  const { api, calls } = stand(() => ({ status: 200 }));
  assert.deepEqual(await api.postFix('https://ingest.example:5055/', FIX), { status: 200, reason: '', retryAfterMs: null });
  const [{ url, init }] = calls;
  assert.equal(url, 'https://ingest.example:5055/');
  assert.equal(init.method, 'POST');
  assert.deepEqual(init.headers, { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(init.credentials, 'omit');
  assert.equal(init.body, 'id=van-7&lat=-15.8&lon=-47.9&timestamp=1767225600000&speed=19.44');
});

test('a refused fix comes back with the server\'s reason, from a JSON error or plain text', async () => {
  const json = stand(() => ({ status: 400, body: JSON.stringify({ error: 'bad_request', message: "unknown device 'van-7'" }) }));
  assert.equal((await json.api.postFix('http://i/', FIX)).reason, "unknown device 'van-7'");
  const text = stand(() => ({ status: 400, body: 'lat out of range' }));
  assert.equal((await text.api.postFix('http://i/', FIX)).reason, 'lat out of range');
  const empty = stand(() => ({ status: 413 }));
  assert.equal((await empty.api.postFix('http://i/', FIX)).reason, 'HTTP 413');
  const busy = stand(() => ({ status: 503, headers: { 'retry-after': '7' } }));
  assert.equal((await busy.api.postFix('http://i/', FIX)).retryAfterMs, 7_000);
});

test('no connection and no answer in time are status 0, to be retried', async () => {
  const down = stand(() => { throw new TypeError('Failed to fetch'); });
  assert.deepEqual(await down.api.postFix('http://i/', FIX), { status: 0, reason: 'no connection to the server' });
  const hanging = createDriverApi((url, init) => new Promise((_, reject) => {
    init.signal.addEventListener('abort', () => reject(init.signal.reason));
  }), { timeoutMs: 20 });
  // AbortSignal.timeout's timer does not keep Node's event loop alive on its own; a browser tab lives on anyway.
  const keepAlive = setTimeout(() => {}, 5_000);
  assert.deepEqual(await hanging.postFix('http://i/', FIX), { status: 0, reason: 'no answer in time' });
  clearTimeout(keepAlive);
});

test('the active delivery: 200 with a destination is active, 404 is none, anything else is unknown', async () => {
  const delivery = { deliveryId: 'd-1', destination: { lat: -15.79, lon: -47.88 }, reference: 'A-17', customer: { name: 'Ana' }, status: 'in_transit' };
  const { api, calls } = stand((url) => {
    if (url === '/api/devices/van-7/delivery') {
      return { status: 200, body: JSON.stringify(delivery) };
    }
    if (url === '/api/devices/idle/delivery') {
      return { status: 404, body: '{"error":"not_found","message":"no active delivery"}' };
    }
    if (url === '/api/devices/broken/delivery') {
      return { status: 200, body: '{"deliveryId":"d-2","destination":{}}' };
    }
    return { status: 503 };
  });
  assert.deepEqual(await api.activeDelivery('van-7'), { state: 'active', delivery });
  assert.deepEqual(await api.activeDelivery('idle'), { state: 'none' });
  assert.deepEqual(await api.activeDelivery('broken'), { state: 'unknown' });
  assert.deepEqual(await api.activeDelivery('down'), { state: 'unknown' });
  await api.activeDelivery('a@b:c');
  assert.equal(calls.at(-1).url, '/api/devices/a%40b%3Ac/delivery', 'the id stays inside its path segment');
});

test('"Delivered" posts an empty JSON object to the delivery\'s complete endpoint and reports a refusal', async () => {
  const { api, calls } = stand((url) => (url.includes('gone') ? { status: 409, body: '{"message":"the delivery already ended"}' } : { status: 202 }));
  assert.deepEqual(await api.complete('d-1'), { ok: true });
  assert.equal(calls[0].url, '/api/deliveries/d-1/complete');
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(calls[0].init.headers['content-type'], 'application/json');
  assert.equal(calls[0].init.body, '{}');
  assert.deepEqual(await api.complete('gone'), { ok: false, reason: 'the delivery already ended' });
  const down = stand(() => { throw new TypeError('Failed to fetch'); });
  assert.equal((await down.api.complete('d-1')).ok, false);
});

test('settings: the JSON of a 200, else null', async () => {
  assert.deepEqual(await stand(() => ({ status: 200, body: '{"ingestUrl":"","ingestPort":5055}' })).api.config(), { ingestUrl: '', ingestPort: 5055 });
  assert.equal(await stand(() => ({ status: 500 })).api.config(), null);
});
