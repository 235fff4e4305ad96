// The side panel: connection state, route catalogue, delivery lists and notices.
// All text goes in through textContent, so nothing from the server is ever parsed as HTML.

import { deliveryItemText, formatKm } from './format.js';
import { shareLinkTo } from './routing.js';

const NOTICE_MS = 8000;
const CONNECTION_STATES = ['live', 'reconnecting', 'offline'];

const byId = (id) => document.getElementById(id);

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

export function setConnection(state) {
  const indicator = byId('connection');
  indicator.textContent = state;
  indicator.classList.remove(...CONNECTION_STATES);
  indicator.classList.add(state);
}

export function showNotice(text, { error = false } = {}) {
  const notice = element('div', error ? 'notice error' : 'notice', text);
  // Errors are also announced urgently; ordinary notices wait their turn (the area is aria-live=polite).
  if (error) {
    notice.setAttribute('role', 'alert');
  }
  byId('notices').append(notice);
  setTimeout(() => notice.remove(), NOTICE_MS);
}

export function showTilesNote() {
  byId('tiles-note').hidden = false;
}

/** One list item per route, each with its own Start button; onStart gets the route id. */
export function renderRoutes(routes, onStart) {
  const list = byId('routes');
  list.replaceChildren(...routes.map((route) => {
    const item = element('li', 'route');
    const text = element('div', 'route-text');
    text.append(element('span', 'route-title', route.title), element('span', 'route-length', formatKm(route.lengthMetres)));
    const start = element('button', 'start', 'Start');
    start.type = 'button';
    start.dataset.routeId = route.id;
    start.setAttribute('aria-label', `Start a delivery on ${route.title}`);
    start.addEventListener('click', () => onStart(route.id));
    item.append(text, start);
    return item;
  }));
  if (routes.length === 0) {
    list.dataset.empty = 'No routes available.';
  }
}

export function routesUnavailable() {
  byId('routes').dataset.empty = 'Routes could not be loaded.';
}

/**
 * Adds the delivery's list item to #active (or, for one already finished, to the end of #recent).
 * Clicking anywhere on the item except the share link selects it: an active delivery toggles camera
 * follow, a finished one opens its replay. The inner button makes the same action reachable by keyboard.
 */
export function addDeliveryItem(delivery, onSelect, { list = 'active' } = {}) {
  const item = element('li', 'delivery');
  item.dataset.deliveryId = delivery.id;

  const follow = element('button', 'follow');
  follow.type = 'button';
  follow.setAttribute('aria-pressed', 'false');
  const swatch = element('span', 'swatch');
  swatch.setAttribute('aria-hidden', 'true');
  swatch.style.backgroundColor = delivery.colour;
  follow.append(swatch, element('span', 'delivery-title'));

  const progress = element('progress', 'delivery-progress');
  const remaining = element('span', 'remaining');
  const eta = element('time', 'eta');
  const share = element('a', 'share', 'Share link');
  share.href = shareLinkTo(delivery.id);

  const details = element('div', 'delivery-details');
  details.append(progress, remaining, eta, share);
  item.append(follow, details);

  item.addEventListener('click', (event) => {
    if (!event.target.closest('a')) {
      onSelect(delivery.id);
    }
  });
  byId(list).append(item);
  return item;
}

function itemOf(delivery) {
  return document.querySelector(`li.delivery[data-delivery-id="${CSS.escape(delivery.id)}"]`);
}

/** Refreshes title, progress, distance remaining and ETA from the delivery's latest position. */
export function updateDeliveryItem(delivery, route) {
  const item = itemOf(delivery);
  if (!item) {
    return;
  }
  const text = deliveryItemText(delivery, route, Date.now());
  item.classList.toggle('finished', delivery.finished);
  item.querySelector('.delivery-title').textContent = text.title;
  item.querySelector('.follow').setAttribute('aria-label', text.followLabel);
  item.querySelector('.share').setAttribute('aria-label', text.shareLabel);

  const progress = item.querySelector('progress');
  progress.setAttribute('aria-label', text.progressLabel);
  if (text.progress) {
    progress.max = text.progress.max;
    progress.value = text.progress.value;
  } else {
    // Route not known yet (a shared link before its first position): an indeterminate bar says "working".
    progress.removeAttribute('value');
  }
  item.querySelector('.remaining').textContent = text.remaining;

  const eta = item.querySelector('.eta');
  if (text.eta) {
    eta.textContent = text.eta.text;
    eta.dateTime = text.eta.dateTime;
  } else {
    eta.textContent = '';
    eta.removeAttribute('datetime');
  }
}

export function moveToRecent(delivery) {
  const item = itemOf(delivery);
  if (item) {
    byId('recent').prepend(item);
  }
}

/** Marks which delivery the camera follows and which one is being replayed (at most one each). */
export function markSelected(followedId, replayedId) {
  for (const item of document.querySelectorAll('li.delivery')) {
    const followed = item.dataset.deliveryId === followedId;
    const replayed = item.dataset.deliveryId === replayedId;
    item.classList.toggle('followed', followed);
    item.classList.toggle('replaying', replayed);
    item.querySelector('.follow').setAttribute('aria-pressed', String(followed || replayed));
  }
}

/** The keyboard way back to a delivery's item (after closing its replay). */
export function focusDeliveryItem(deliveryId) {
  const item = document.querySelector(`li.delivery[data-delivery-id="${CSS.escape(deliveryId)}"] .follow`);
  if (item) {
    item.focus();
  }
}
