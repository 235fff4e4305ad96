// The customer page's status timeline: events de-duplicated by id, ordered by time, in the customer's words.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addEvents, createTimeline, entriesOf, entryText, EVENT_WORDS, timelineLine } from '../../../webroot/track-timeline.js';

const ID = '3f2b8c1e-6a4d-4e9b-9c1a-0d2e4f6a8b10';
const UTC = { timeZone: 'UTC' };
const event = (type, at, seq = 1) => ({ eventId: `${ID}:${type}:${seq}`, deliveryId: ID, type, at });

describe('the timeline', () => {
  test('reads like the customer expects, oldest first', () => {
    const timeline = createTimeline();
    addEvents(timeline, [event('delivered', '2026-12-01T14:31:10Z', 90), event('started', '2026-12-01T14:02:00Z', 0),
      event('arriving', '2026-12-01T14:29:00Z', 80)]);
    assert.equal(timelineLine(entriesOf(timeline), UTC), 'On its way 14:02 · Arriving soon 14:29 · Delivered 14:31');
  });

  test('an event heard twice (stored, then live; or after a reconnect) is one entry', () => {
    const timeline = createTimeline();
    assert.equal(addEvents(timeline, [event('started', '2026-12-01T14:02:00Z', 0)]).length, 1);
    assert.deepEqual(addEvents(timeline, event('started', '2026-12-01T14:02:00Z', 0)), []);
    assert.equal(entriesOf(timeline).length, 1);
  });

  test('a live event older than what is held goes in its place by time, and is returned as new', () => {
    const timeline = createTimeline();
    addEvents(timeline, [event('arriving', '2026-12-01T14:29:00Z', 80)]);
    const added = addEvents(timeline, [event('late', '2026-12-01T14:20:00Z', 50)]);
    assert.deepEqual(added.map((e) => e.type), ['late']);
    assert.deepEqual(entriesOf(timeline).map((e) => e.type), ['late', 'arriving']);
  });

  test('a detour is not shown to the customer; a late arrival is', () => {
    const timeline = createTimeline();
    addEvents(timeline, [event('off_route', '2026-12-01T14:10:00Z', 30), event('back_on_route', '2026-12-01T14:12:00Z', 35),
      event('late', '2026-12-01T14:13:00Z', 36)]);
    assert.deepEqual(entriesOf(timeline).map((e) => e.type), ['late']);
    assert.equal(EVENT_WORDS.off_route, undefined);
  });

  test('unknown types and malformed events are passed over', () => {
    const timeline = createTimeline();
    const added = addEvents(timeline, [null, 'x', { eventId: 'a', type: 'started' }, { eventId: 'b', type: 'started', at: 'soon' },
      { type: 'started', at: '2026-12-01T14:02:00Z' }, event('teleported', '2026-12-01T14:02:00Z')]);
    assert.deepEqual(added, []);
  });

  test('every shown type has friendly words and a time to the minute', () => {
    for (const type of Object.keys(EVENT_WORDS)) {
      const [entry] = addEvents(createTimeline(), [event(type, '2026-12-01T09:05:29Z')]);
      assert.deepEqual(entryText(entry, UTC), { label: EVENT_WORDS[type], time: '09:05' });
    }
  });
});
