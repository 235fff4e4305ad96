// The side panel: connection state, route catalogue, delivery lists and notices.
// All text goes in through textContent, so nothing from the server is ever parsed as HTML.

import { deliveryItemText, formatKm } from './format.js';
import { STATUSES, STATUS_WORDS } from './fleet.js';
import { element } from './dom.js';
import { ListWindow } from './list-window.js';
import { absoluteTrackingUrl, copyToClipboard, linkAbilities, shareLink } from './tracking-link.js';

const NOTICE_MS = 8000;
// How long "Link copied" stays next to the button: long enough to read, gone before it could mislead.
const LINK_STATUS_MS = 4000;
// The title a phone's share sheet gives the link (the route's name is the company's, not the customer's).
const SHARE_TITLE = 'Track your delivery';
const CONNECTION_STATES = ['live', 'reconnecting', 'offline'];

const byId = (id) => document.getElementById(id);

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

/**
 * The delivery-event notifications, newest first: each is a button that opens its (most recent) delivery and a
 * button that dismisses it. textOf(group) gives its words; onOpen(group) and onDismiss(group) act on it.
 */
export function renderEventNotices(groups, { textOf, onOpen, onDismiss }) {
  byId('event-notices').replaceChildren(...groups.map((group) => {
    const text = textOf(group);
    const item = element('li', 'notice event-notice');
    item.dataset.type = group.type;
    const open = element('button', 'event-notice-open', text);
    open.type = 'button';
    open.title = 'Show this delivery';
    open.addEventListener('click', () => onOpen(group));
    const close = element('button', 'event-notice-dismiss', '×');
    close.type = 'button';
    close.setAttribute('aria-label', `Dismiss: ${text}`);
    close.addEventListener('click', () => onDismiss(group));
    item.append(open, close);
    return item;
  }));
}

export function showTilesNote() {
  byId('tiles-note').hidden = false;
}

/**
 * One list item per route, each with its own Start button; onStart gets the route id. Without onStart (a user who
 * may not start deliveries) the routes are listed with no button.
 */
export function renderRoutes(routes, onStart) {
  const list = byId('routes');
  list.replaceChildren(...routes.map((route) => {
    const item = element('li', 'route');
    const text = element('div', 'route-text');
    text.append(element('span', 'route-title', route.title), element('span', 'route-length', formatKm(route.lengthMetres)));
    item.append(text);
    if (onStart) {
      const start = element('button', 'start', 'Start');
      start.type = 'button';
      start.dataset.routeId = route.id;
      start.setAttribute('aria-label', `Start a delivery on ${route.title}`);
      start.addEventListener('click', () => onStart(route.id));
      item.append(start);
    }
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
 * Adds the delivery's item to the end of #active (or, for one already finished, to the end of #recent); it is in the
 * page while its row is in view (list-window.js).
 * Clicking anywhere on the item except its link buttons selects it: an active delivery toggles camera
 * follow, a finished one opens its replay. The inner button makes the same action reachable by keyboard.
 * trackingUrlOf(id) answers (a promise of) the delivery's customer link path, or null while it is not known;
 * renewTrackingLink(id), for a user who may withdraw links, answers null once a new link replaced the old, else why not.
 */
export function addDeliveryItem(delivery, onSelect,
  { list = 'active', trackingUrlOf = async () => null, renewTrackingLink = null } = {}) {
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
  const freshness = element('span', 'freshness');

  const details = element('div', 'delivery-details');
  details.append(progress, remaining, eta, freshness);
  item.append(follow, details, linkActions(delivery.id, trackingUrlOf, renewTrackingLink));

  item.addEventListener('click', (event) => {
    if (!event.target.closest('.link-actions')) {
      onSelect(delivery.id);
    }
  });
  items.set(delivery.id, item);
  listWindow(list).append(delivery.id);
  return item;
}

// The two lists' windows (list-window.js), made on first use.
const windows = new Map();

function listWindow(listId) {
  let rows = windows.get(listId);
  if (!rows) {
    rows = new ListWindow(byId(listId), { itemOf: (id) => items.get(id), onShown: applyPending });
    windows.set(listId, rows);
  }
  return rows;
}

/** The window of the list that holds the delivery, or null. */
function windowHolding(deliveryId) {
  return [...windows.values()].find((rows) => rows.has(deliveryId)) ?? null;
}

/**
 * The customer link's controls: "Copy link" (clipboard), "Share" where the browser has a share sheet (phones),
 * "New link" (withdraws the old one) for a user who may, a read-only field that shows the link selected when copying
 * does not work, and a status line saying what happened.
 */
function linkActions(deliveryId, trackingUrlOf, renewTrackingLink) {
  const box = element('div', 'link-actions');
  const copy = element('button', 'copy-link', 'Copy link');
  copy.type = 'button';
  box.append(copy);
  const field = element('input', 'link-text');
  field.type = 'text';
  field.readOnly = true;
  field.hidden = true;
  const status = element('span', 'link-status');
  status.setAttribute('role', 'status');

  // The link itself, or null after saying why there is none.
  const linkOrSay = async () => {
    const link = absoluteTrackingUrl(await trackingUrlOf(deliveryId), window.location.origin);
    if (!link) {
      say(status, 'The link is not ready yet; try again in a moment.');
    }
    return link;
  };
  const copyOrSelect = async (link) => {
    if (await copyToClipboard(link)) {
      field.hidden = true;
      say(status, 'Link copied');
    } else {
      field.value = link;
      field.hidden = false;
      field.focus();
      field.select();
      say(status, 'Copy the selected link');
    }
  };
  copy.addEventListener('click', async () => {
    const link = await linkOrSay();
    if (link) {
      await copyOrSelect(link);
    }
  });

  if (linkAbilities(window.navigator).share) {
    const share = element('button', 'share-link', 'Share');
    share.type = 'button';
    share.addEventListener('click', async () => {
      const link = await linkOrSay();
      const outcome = link ? await shareLink(link, SHARE_TITLE) : 'cancelled';
      if (outcome === 'shared') {
        say(status, 'Link shared');
      } else if (outcome === 'failed') {
        await copyOrSelect(link);
      }
    });
    box.append(share);
  }

  if (renewTrackingLink) {
    const renew = element('button', 'renew-link', 'New link');
    renew.type = 'button';
    renew.addEventListener('click', async () => {
      if (!window.confirm('Replace the customer link? Whoever has the current one can no longer follow this delivery.')) {
        return;
      }
      const problem = await renewTrackingLink(deliveryId);
      field.hidden = true;
      say(status, problem ?? 'New link made; the old one no longer works. Copy link gives the new one.');
    });
    box.append(renew);
  }
  box.append(field, status);
  return box;
}

/** Shows a short confirmation in a status line (announced politely), then clears it. */
function say(status, text) {
  clearTimeout(status.clearTimer);
  status.textContent = text;
  // The line is shortened to fit its row; the whole of it on hover (and read out whole: role=status).
  status.title = text;
  status.clearTimer = setTimeout(() => {
    status.textContent = '';
    status.title = '';
  }, LINK_STATUS_MS);
}

// Each delivery's list item, by delivery id, in the page or not: a fleet's lists hold thousands, and the page updates
// hundreds a second.
const items = new Map();

/**
 * The parts of an item its updates write, found once per item, and what was last written to each (`written`, by part
 * and attribute): an update compares with that, not with the DOM, and writes only what changed, so an unchanged item
 * costs neither DOM calls nor style and layout work, and a fleet batch or the clock's tick redraws only what changed.
 */
const partsOf = (() => {
  const found = new WeakMap();
  return (item) => {
    let parts = found.get(item);
    if (!parts) {
      const part = (css) => item.querySelector(css);
      parts = {
        title: part('.delivery-title'), follow: part('.follow'), copy: part('.copy-link'), share: part('.share-link'),
        renew: part('.renew-link'), linkText: part('.link-text'), progress: part('progress'),
        remaining: part('.remaining'), eta: part('.eta'), freshness: part('.freshness'), written: new Map(),
      };
      found.set(item, parts);
    }
    return parts;
  };
})();

/** Sets a part's text (`name` in parts), unless it was last set to the same. */
function setText(parts, name, text) {
  if (parts.written.get(name) !== text) {
    parts[name].textContent = text;
    parts.written.set(name, text);
  }
}

/** Sets (or, for null, removes) an attribute of a part that exists, unless it was last set to the same. */
function setAttribute(parts, name, attribute, value) {
  const node = parts[name];
  const key = `${name} ${attribute}`;
  if (!node || parts.written.get(key) === value) {
    return;
  }
  if (value === null) {
    node.removeAttribute(attribute);
  } else {
    node.setAttribute(attribute, value);
  }
  parts.written.set(key, value);
}

/**
 * Refreshes title, progress, distance remaining, ETA and freshness (fleet.js freshnessOf: "last update 5 s ago", stale
 * marked; null for none) from the delivery's latest position.
 */
export function updateDeliveryItem(delivery, route, freshness = null) {
  const item = items.get(delivery.id);
  if (!item) {
    return;
  }
  const parts = partsOf(item);
  // An item out of the page (its row is out of view, or the filters hide it) takes the update once it comes back in:
  // a fleet's list is thousands of items, of which a screen shows ten.
  if (!item.isConnected) {
    parts.pending = [delivery, route, freshness];
    return;
  }
  item.classList.toggle('stale', freshness?.stale === true);
  item.classList.toggle('finished', delivery.finished);
  parts.pending = null;
  const text = deliveryItemText(delivery, route, Date.now());
  setText(parts, 'freshness', freshness?.text ?? '');
  setText(parts, 'title', text.title);
  // The title shows two lines at most (every row has the same height); the whole of it on hover.
  setAttribute(parts, 'title', 'title', text.title);
  setAttribute(parts, 'follow', 'aria-label', text.followLabel);
  setAttribute(parts, 'copy', 'aria-label', text.copyLinkLabel);
  setAttribute(parts, 'share', 'aria-label', text.shareLinkLabel);
  setAttribute(parts, 'renew', 'aria-label', text.renewLinkLabel);
  setAttribute(parts, 'linkText', 'aria-label', text.linkTextLabel);

  setAttribute(parts, 'progress', 'aria-label', text.progressLabel);
  if (text.progress) {
    setAttribute(parts, 'progress', 'max', String(text.progress.max));
    setAttribute(parts, 'progress', 'value', String(text.progress.value));
  } else {
    // Route not known yet (a shared link before its first position): an indeterminate bar says "working".
    setAttribute(parts, 'progress', 'value', null);
  }
  setText(parts, 'remaining', text.remaining);
  setText(parts, 'eta', text.eta?.text ?? '');
  setAttribute(parts, 'eta', 'datetime', text.eta?.dateTime ?? null);
}

export function moveToRecent(delivery) {
  if (items.has(delivery.id)) {
    windowHolding(delivery.id)?.remove(delivery.id);
    listWindow('recent').prepend(delivery.id);
  }
}

/** Marks which delivery the camera follows and which one is being replayed (at most one each). */
export function markSelected(followedId, replayedId) {
  for (const [id, item] of items) {
    const followed = id === followedId;
    const replayed = id === replayedId;
    item.classList.toggle('followed', followed);
    item.classList.toggle('replaying', replayed);
    setAttribute(partsOf(item), 'follow', 'aria-pressed', String(followed || replayed));
  }
}

/** The keyboard way back to a delivery's item (after closing its replay): scrolled to, if need be. */
export function focusDeliveryItem(deliveryId) {
  const item = windowHolding(deliveryId)?.reveal(deliveryId);
  if (item) {
    partsOf(item).follow.focus();
  }
}

// ---- The fleet: counts, search, filters, sort, paging -------------------------------------------

/**
 * Wires the fleet's tools: onFilter gets what changed ({query}, {status}, {routeId} or {sort}); onTrails whether
 * today's finished trails are shown; onMore asks for the next page of Recent.
 */
export function bindFleetTools({ onFilter, onTrails, onMore }) {
  byId('fleet-search').addEventListener('input', (event) => onFilter({ query: event.target.value }));
  byId('fleet-route').addEventListener('change', (event) => onFilter({ routeId: event.target.value }));
  byId('fleet-sort').addEventListener('change', (event) => onFilter({ sort: event.target.value }));
  byId('finished-trails').addEventListener('change', (event) => onTrails(event.target.checked));
  byId('recent-more').addEventListener('click', onMore);
  byId('status-counts').replaceChildren(...['all', ...STATUSES].map((status) => {
    const button = element('button', 'status-count');
    button.type = 'button';
    button.dataset.status = status;
    button.setAttribute('aria-pressed', String(status === 'all'));
    button.append(element('span', 'status-name', status === 'all' ? 'All' : STATUS_WORDS[status]), ' ', element('span', 'count', '0'));
    button.addEventListener('click', () => onFilter({ status }));
    return button;
  }));
}

/** The routes one may filter by. */
export function renderRouteFilter(routes) {
  const select = byId('fleet-route');
  select.replaceChildren(element('option', null, 'All routes'), ...routes.map((route) => {
    const option = element('option', null, route.title);
    option.value = route.id;
    return option;
  }));
  select.firstChild.value = 'all';
}

/**
 * Counts per status on their buttons (the chosen one pressed), the fleet's total on the road, and how many items the
 * filters show of how many.
 */
export function renderCounts(counts, chosenStatus, shown, total) {
  for (const button of byId('status-counts').querySelectorAll('button')) {
    const { status } = button.dataset;
    changeText(button.querySelector('.count'), String(status === 'all' ? total : counts[status]));
    const pressed = String(status === chosenStatus);
    if (button.getAttribute('aria-pressed') !== pressed) {
      button.setAttribute('aria-pressed', pressed);
    }
  }
  const onTheRoad = counts.assigned + counts['en-route'] + counts.late;
  changeText(byId('fleet-total'), `(${onTheRoad} on the road)`);
  changeText(byId('fleet-shown'), shown === total ? '' : `Showing ${shown} of ${total}`);
}

/**
 * Puts a list's rows in this order (ids of its deliveries; null keeps theirs), showing only those in `shown`. A
 * fleet-feed batch that changes neither touches nothing.
 */
export function arrangeList(listId, orderedIds, shown) {
  const rows = listWindow(listId);
  if (orderedIds !== null) {
    rows.order(orderedIds);
  }
  rows.filter(shown);
}

/** Sets an element's text unless it already says that (a rewrite would cost style and layout work all the same). */
function changeText(node, text) {
  if (node.textContent !== text) {
    node.textContent = text;
  }
}

/** An item come into view takes the update it was spared meanwhile (see updateDeliveryItem). */
function applyPending(item) {
  const { pending } = partsOf(item);
  if (pending) {
    updateDeliveryItem(...pending);
  }
}

/**
 * A delivery just started (or picked on the map): shown (the caller cleared filters that hid it), scrolled into view and
 * highlighted until another one is.
 */
export function revealDelivery(deliveryId) {
  const rows = windowHolding(deliveryId);
  if (!rows) {
    return;
  }
  // The caller has just cleared the filters: the row is shown from now on, before the list's next arrangement.
  rows.filter(null);
  for (const item of items.values()) {
    item.classList.remove('just-started');
  }
  rows.reveal(deliveryId)?.classList.add('just-started');
}

/** The filters' controls showing these values (after the page cleared them itself). */
export function showFilter({ query, routeId, sort }) {
  byId('fleet-search').value = query;
  byId('fleet-route').value = routeId;
  byId('fleet-sort').value = sort;
}

/** "Show older deliveries" under Recent, while there is an older page. */
export function setMoreRecent(available) {
  byId('recent-more').hidden = !available;
}

/**
 * While updates are paused (the connection is down): says since when and greys the ETAs; null when live again.
 */
export function setPaused(text) {
  const paused = byId('paused');
  paused.hidden = text === null;
  paused.textContent = text ?? '';
  document.body.classList.toggle('updates-paused', text !== null);
}
