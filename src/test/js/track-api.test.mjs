// The customer's tracking link: its token, the reads it opens, and what the page says when the server refuses it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTrackApi, isFinalProblem, LINK_MESSAGES, problemOf, tokenFromPath } from '../../../webroot/track-api.js';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJkZWwiOiIzZjJiIn0.c2lnbmF0dXJlXzEyMw';

describe('tokenFromPath', () => {
  test('the token of /track/<token>, with or without a trailing slash', () => {
    assert.equal(tokenFromPath(`/track/${TOKEN}`), TOKEN);
    assert.equal(tokenFromPath(`/track/${TOKEN}/`), TOKEN);
  });

  test('no token in a path that is not a tracking link, or a token mangled on the way', () => {
    for (const path of ['/track/', '/track', '/', `/tracks/${TOKEN}`, `/track/${TOKEN}/more`, '/track/a b', '/track/%3Cscript%3E',
      '/track/a.b.c.d', undefined]) {
      assert.equal(tokenFromPath(path), null, String(path));
    }
  });
});

describe('what the page says about a refused link', () => {
  test('each refusal the server gives is named by its code', () => {
    assert.equal(problemOf({ status: 401, body: { error: 'invalid_link' } }), 'invalid_link');
    assert.equal(problemOf({ status: 401, body: null }), 'invalid_link');
    assert.equal(problemOf({ status: 403, body: { error: 'link_expired' } }), 'link_expired');
    assert.equal(problemOf({ status: 403, body: { error: 'link_revoked' } }), 'link_revoked');
    assert.equal(problemOf({ status: 200, body: {} }), null);
  });

  test('anything else may pass: the network, the server, a delivery not stored yet, a 403 of another kind', () => {
    for (const answer of [{ status: 0, body: null }, { status: 500, body: null }, { status: 503, body: { error: 'busy' } },
      { status: 404, body: { error: 'not_found' } }, { status: 403, body: { error: 'forbidden' } }]) {
      assert.equal(problemOf(answer), 'unavailable', JSON.stringify(answer));
      assert.equal(isFinalProblem(problemOf(answer)), false);
    }
    assert.equal(isFinalProblem('link_revoked'), true);
    assert.equal(isFinalProblem(null), false);
  });

  test('each is one plain sentence, and they differ', () => {
    const messages = Object.values(LINK_MESSAGES);
    assert.equal(new Set(messages).size, messages.length);
    for (const message of messages) {
      assert.match(message, /^[A-Z][^.;?!]*(?:;[^.?!]*)?\.$/, message);
    }
    assert.match(LINK_MESSAGES.invalid_link, /not valid/);
    assert.match(LINK_MESSAGES.link_expired, /expired/);
    assert.match(LINK_MESSAGES.link_revoked, /withdrawn/);
  });
});

describe('createTrackApi', () => {
  function server(answers) {
    const asked = [];
    const api = createTrackApi(TOKEN, async (url) => {
      asked.push(url);
      return answers[url] ?? { status: 0, body: null };
    });
    return { api, asked };
  }

  test('reads the delivery and its positions through the token', async () => {
    const delivery = { deliveryId: 'd1', status: 'in-transit' };
    const track = [{ seq: 3 }, { seq: 4 }];
    const { api, asked } = server({
      [`/api/track/${TOKEN}`]: { status: 200, body: delivery },
      [`/api/track/${TOKEN}/positions?fromSeq=3`]: { status: 200, body: track },
    });
    assert.deepEqual(await api.delivery(), { value: delivery });
    assert.deepEqual(await api.positions(3), { value: track });
    assert.deepEqual(asked, [`/api/track/${TOKEN}`, `/api/track/${TOKEN}/positions?fromSeq=3`]);
  });

  test('the delivery\'s events through the token; a server without them (404) is unavailable, not a bad link', async () => {
    const events = { deliveryId: 'd1', events: [{ eventId: 'd1:started:0', type: 'started', at: '2026-12-01T14:02:00Z' }] };
    const { api } = server({ [`/api/track/${TOKEN}/events`]: { status: 200, body: events } });
    assert.deepEqual(await api.events(), { value: events });
    const older = server({ [`/api/track/${TOKEN}/events`]: { status: 404, body: { error: 'not_found' } } });
    const answer = await older.api.events();
    assert.deepEqual(answer, { problem: 'unavailable' });
    assert.equal(isFinalProblem(answer.problem), false);
  });

  test('the pages\' settings, for the map\'s tiles', async () => {
    const { api } = server({ '/api/config': { status: 200, body: { tilesUrl: 'https://tiles/{z}/{x}/{y}.png' } } });
    assert.deepEqual(await api.pageConfig(), { value: { tilesUrl: 'https://tiles/{z}/{x}/{y}.png' } });
    assert.deepEqual(await server({}).api.pageConfig(), { problem: 'unavailable' });
  });

  test('a refusal is the problem, not a value; a 200 that is not what was asked for is unavailable', async () => {
    const { api } = server({
      [`/api/track/${TOKEN}`]: { status: 403, body: { error: 'link_revoked' } },
      [`/api/track/${TOKEN}/positions?fromSeq=0`]: { status: 200, body: { error: 'surprise' } },
    });
    assert.deepEqual(await api.delivery(), { problem: 'link_revoked' });
    assert.deepEqual(await api.positions(), { problem: 'unavailable' });
  });
});
