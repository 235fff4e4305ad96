// The customer page's status timeline: the delivery's events (GET /api/track/<token>/events at open, then live on
// delivery-events.<id>) as the customer reads them — one entry per event id, oldest first, in plain words. Pure
// data and words; track-view.js draws it. The time zone and language are the browser's unless given (tests do).

import { clockText } from './track-text.js';

/**
 * What the customer is told of each event type. Types not named here are not shown: off_route and back_on_route
 * tell a driver's detour, which says nothing the customer can act on and reads as if something went wrong (road
 * works and traffic make them routine); when a detour matters to the customer it shows as "Running late", which is
 * shown. A type the page does not know yet (the server added one) is not shown either.
 */
export const EVENT_WORDS = Object.freeze({
  started: 'On its way',
  arriving: 'Arriving soon',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  late: 'Running late',
  back_on_time: 'Back on time',
  stalled: 'Stopped for now',
  resumed: 'Moving again',
});

const timeOf = (value) => {
  const parsed = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(parsed) ? parsed : null;
};

export function createTimeline() {
  return { byId: new Map() }; // eventId -> { eventId, type, at (epoch ms) }
}

/**
 * Takes events (stored or live) in, once per event id; events of a type the customer is not shown, and anything
 * that is no event, are passed over. Returns the entries that are new, oldest first.
 */
export function addEvents(timeline, events) {
  const added = [];
  for (const event of Array.isArray(events) ? events : [events]) {
    const at = timeOf(event?.at);
    const id = event?.eventId;
    if (typeof id !== 'string' || at === null || !Object.hasOwn(EVENT_WORDS, event.type) || timeline.byId.has(id)) {
      continue;
    }
    const entry = { eventId: id, type: event.type, at };
    timeline.byId.set(id, entry);
    added.push(entry);
  }
  return added.sort(byTime);
}

/** Every entry, oldest first (two at the same moment in the order they were learnt of). */
export function entriesOf(timeline) {
  return [...timeline.byId.values()].sort(byTime);
}

function byTime(a, b) {
  return a.at - b.at;
}

/** The words of one entry, e.g. {label: 'Arriving soon', time: '14:29'}. */
export function entryText(entry, options = {}) {
  return { label: EVENT_WORDS[entry.type], time: clockText(entry.at, options) };
}

/** One line for the whole timeline, as read out or shown in a tab: "On its way 14:02 · Arriving soon 14:29". */
export function timelineLine(entries, options = {}) {
  return entries.map((entry) => {
    const { label, time } = entryText(entry, options);
    return `${label} ${time}`;
  }).join(' · ');
}
