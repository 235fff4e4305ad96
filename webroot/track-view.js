// The customer tracking page's words on screen (everything but the map and the replay controls). All text goes
// in through textContent, so nothing from the server is ever parsed as HTML.

import { element } from './dom.js';
import { distanceText, lastUpdateText, progressText, statusLine } from './track-text.js';
import { entryText, timelineLine } from './track-timeline.js';

const TITLE = 'Your delivery — Code Delivery';
const byId = (id) => document.getElementById(id);

/** Sets a text only when it changes: the status line is a live region, and the same words need no second reading. */
function setText(element, text) {
  if (element.textContent !== text) {
    element.textContent = text;
  }
}

/** The status line, and the tab's title after it (a tab in the background still tells where the delivery is). */
function setStatus(text) {
  setText(byId('status-line'), text);
  const title = `${text} — ${TITLE}`;
  if (document.title !== title) {
    document.title = title;
  }
}

/** The link cannot be used: one sentence where the status goes, and nothing else (no map). */
export function showProblem(message) {
  setStatus(message);
  byId('details').hidden = true;
  byId('map-area').hidden = true;
  byId('timeline-section').hidden = true;
  document.body.classList.add('link-problem');
}

/** The delivery can be shown: who it is for, its figures and the map's area (shown before Leaflet measures it). */
export function showDelivery(tracking) {
  const forWhom = [
    tracking.reference ? `Reference ${tracking.reference}` : null,
    tracking.customerName ? `For ${tracking.customerName}` : null,
  ].filter(Boolean).join(' · ');
  byId('for-whom').textContent = forWhom;
  byId('for-whom').hidden = forWhom === '';
  byId('details').hidden = false;
  byId('map-area').hidden = false;
  document.body.classList.remove('link-problem');
}

/** Status line, progress, distance left and the age of the newest position, as of `now`. */
export function render(figures, now) {
  setStatus(statusLine(figures, now));
  document.body.dataset.phase = figures.phase;

  const progress = byId('progress');
  const percent = progressText(figures.progress);
  if (figures.progress === null) {
    progress.removeAttribute('value');
  } else {
    progress.value = Math.round(figures.progress * progress.max);
  }
  setText(byId('progress-text'), percent ?? '—');
  setText(byId('distance-left'), distanceText(figures.remainingMetres) ?? '—');
  // Once the delivery has ended, how long ago the vehicle was last heard of is no news.
  byId('last-update-row').hidden = figures.phase === 'delivered' || figures.phase === 'cancelled';
  setText(byId('last-update'), lastUpdateText(figures.lastUpdateAt, now));
}

/**
 * The status timeline, one list item per entry (oldest first, times in the browser's language and zone). Entries
 * that just happened (`news`, none for the first read) are read out once through the timeline's own live region;
 * the list itself is redrawn silently.
 */
export function renderTimeline(entries, news = []) {
  const list = byId('timeline');
  list.replaceChildren(...entries.map((entry) => {
    const { label, time } = entryText(entry);
    const item = element('li', 'timeline-entry');
    item.dataset.eventId = entry.eventId;
    item.dataset.type = entry.type;
    const when = element('time', 'timeline-time', time);
    when.dateTime = new Date(entry.at).toISOString();
    item.append(element('span', 'timeline-label', label), when);
    return item;
  }));
  byId('timeline-section').hidden = entries.length === 0;
  if (news.length > 0) {
    setText(byId('timeline-news'), timelineLine(news));
  }
}

/**
 * While the live connection is down, the figures may be behind: say so, quietly. A screen reader hears it once when
 * the connection drops and once when it is back (a polite live region, told only of changes, never of the first
 * connection).
 */
export function setReconnecting(reconnecting) {
  const note = byId('connection-note');
  const wasReconnecting = !note.hidden;
  note.hidden = !reconnecting;
  if (reconnecting !== wasReconnecting) {
    setText(byId('connection-news'), reconnecting ? 'Connection lost — reconnecting.' : 'Connected again — the map is live.');
  }
}

export function showTilesNote() {
  byId('tiles-note').hidden = false;
}
