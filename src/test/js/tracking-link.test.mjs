// Customers' tracking links as operators hand them on: made absolute on this site, copied or shared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { absoluteTrackingUrl, copyToClipboard, linkAbilities, shareLink } from '../../../webroot/tracking-link.js';

const ORIGIN = 'https://delivery.example:8443';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJkIjoiMSJ9.c2lnbmF0dXJl';

test('the server\'s path becomes a link on this site', () => {
  assert.equal(absoluteTrackingUrl(`/track/${TOKEN}`, ORIGIN), `${ORIGIN}/track/${TOKEN}`);
});

test('nothing that could lead elsewhere is ever made into a link', () => {
  for (const path of ['//evil.example/track/x', 'https://evil.example/track/x', '/\\evil.example', 'track/x', '', null, undefined]) {
    assert.equal(absoluteTrackingUrl(path, ORIGIN), null, String(path));
  }
});

test('what a browser can do with a link', () => {
  assert.deepEqual(linkAbilities({ clipboard: { writeText() {} }, share() {} }), { copy: true, share: true });
  assert.deepEqual(linkAbilities({ clipboard: { writeText() {} } }), { copy: true, share: false }, 'a desktop');
  assert.deepEqual(linkAbilities({}), { copy: false, share: false }, 'an insecure origin has no clipboard');
  assert.deepEqual(linkAbilities(undefined), { copy: false, share: false });
});

test('copying: true once written; false when refused or impossible, so the page shows the link instead', async () => {
  const written = [];
  assert.equal(await copyToClipboard('https://x/track/t', { clipboard: { writeText: async (t) => written.push(t) } }), true);
  assert.deepEqual(written, ['https://x/track/t']);
  const denied = { clipboard: { writeText: async () => { throw new DOMException('denied', 'NotAllowedError'); } } };
  assert.equal(await copyToClipboard('https://x/track/t', denied), false);
  assert.equal(await copyToClipboard('https://x/track/t', {}), false);
});

test('sharing: shared, cancelled by the user (nothing to say), or failed (fall back to copying)', async () => {
  const shared = [];
  assert.equal(await shareLink('https://x/track/t', 'Track your delivery', { share: async (data) => shared.push(data) }), 'shared');
  assert.deepEqual(shared, [{ title: 'Track your delivery', url: 'https://x/track/t' }]);
  const closed = { share: async () => { throw new DOMException('closed', 'AbortError'); } };
  assert.equal(await shareLink('https://x/track/t', 't', closed), 'cancelled');
  const refused = { share: async () => { throw new DOMException('no', 'NotAllowedError'); } };
  assert.equal(await shareLink('https://x/track/t', 't', refused), 'failed');
  assert.equal(await shareLink('https://x/track/t', 't', {}), 'failed');
});
