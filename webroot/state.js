// What the page knows, as plain data, and the transitions on it. No DOM, no network, no Leaflet: the
// tracker applies these and then brings the views up to date, and Node's test runner checks them alone.

import { colourFor, createDelivery, latestEstimate, mergePositions, remainingPoints } from './deliveries.js';
import { cumulativeMetres } from './distance.js';
import { createNotifications } from './notifications.js';

export const DEFAULT_INTERVAL_MS = 500;

export function createState() {
  return {
    deliveries: new Map(), // deliveryId -> delivery (see createDelivery)
    routes: new Map(), // routeId -> route from /api/routes, plus its cumulative distances
    connection: 'offline', // 'live' | 'reconnecting' | 'offline', as the panel shows it
    cameraDeliveryId: null, // the delivery the camera pans with, if any
    intervalMs: DEFAULT_INTERVAL_MS, // time between two positions of a vehicle, from /api/config
    everConnected: false,
    recentLoaded: false, // the finished deliveries for Recent are read once, on the first connection
    notifications: createNotifications(), // delivery events of the deliveries shown here, grouped (notifications.js)
    // What the list shows (fleet.js matches and sortDeliveries): search words, a status, a route, the order.
    filter: { query: '', status: 'all', routeId: 'all', sort: 'started' },
    pausedSince: null, // epoch ms the live connection went down, while it is down after having been up
    recentNext: null, // the cursor of the next page of Recent (GET /api/deliveries?status=<ENDED_STATUSES>&after=…)
    showFinishedTrails: false, // finished deliveries' trails are hidden unless the operator asks for today's
  };
}

/** Takes the server's interval between positions, when /api/config gave a usable one. */
export function applyConfig(state, config) {
  if (Number.isFinite(config?.intervalMs) && config.intervalMs > 0) {
    state.intervalMs = config.intervalMs;
  }
}

export function setRoutes(state, routes) {
  state.routes.clear();
  for (const route of routes) {
    state.routes.set(route.id, { ...route, cumulative: cumulativeMetres(route.points) });
  }
}

export function routeOf(state, delivery) {
  return delivery.routeId === null ? null : state.routes.get(delivery.routeId) ?? null;
}

/**
 * The delivery with this id, created the first time it is heard of (then `created` is true; a delivery
 * first heard of as finished history starts finished). A route id learnt later fills in an unknown one.
 */
export function ensureDelivery(state, id, routeId, { finished = false } = {}) {
  let delivery = state.deliveries.get(id);
  if (!delivery) {
    delivery = createDelivery(id, routeId, colourFor(state.deliveries.size));
    delivery.finished = finished;
    state.deliveries.set(id, delivery);
    return { delivery, created: true };
  }
  if (delivery.routeId === null && routeId) {
    delivery.routeId = routeId;
  }
  return { delivery, created: false };
}

/**
 * A summary's statuses that mean the delivery has ended: a simulated one finished, a device's delivered or cancelled.
 * Recent lists them all (GET /api/deliveries?status=finished,delivered,cancelled).
 */
export const ENDED_STATUSES = Object.freeze(['finished', 'delivered', 'cancelled']);

/**
 * A summary from GET /api/deliveries, taken into the page's delivery.
 */
export function applySummary(state, summary) {
  const finished = ENDED_STATUSES.includes(summary.status);
  const { delivery, created } = ensureDelivery(state, summary.deliveryId,
    typeof summary.routeId === 'string' ? summary.routeId : null, { finished });
  if (Number.isInteger(summary.pointCount) && summary.pointCount > 0) {
    delivery.pointCount = summary.pointCount;
  }
  takeTrackingUrl(delivery, summary);
  takeOrder(delivery, summary);
  if (!finished && Number.isInteger(summary.lastSeq) && summary.lastPosition) {
    // Where it is now, as the list says: the page shows every delivery without reading each one's track.
    mergePositions(delivery, [{ ...summary, seq: summary.lastSeq, position: summary.lastPosition, timestamp: summary.updatedAt }]);
  }
  return { delivery, created };
}


/** What the operator gave a device's delivery (reference, customer, device, promised time) and how it ended. */
function takeOrder(delivery, summary) {
  const text = (value) => (typeof value === 'string' && value !== '' ? value : null);
  delivery.reference = text(summary.reference) ?? delivery.reference;
  delivery.customer = text(summary.customer?.name) ?? delivery.customer;
  delivery.deviceId = text(summary.deviceId) ?? delivery.deviceId;
  const promised = Date.parse(summary.promisedBy ?? '');
  delivery.promisedBy = Number.isFinite(promised) ? promised : delivery.promisedBy;
  if (summary.status === 'delivered' || summary.status === 'cancelled') {
    delivery.outcome = summary.status;
  }
  const ended = Date.parse(summary.finishedAt ?? summary.endedAt ?? '');
  if (Number.isFinite(ended)) {
    delivery.finishedAt = ended;
  }
}

/**
 * The customer link from anything the server says of a delivery (its JSON, a start reply), when it names one; a
 * newer one (after a revoke) replaces the old.
 */
export function takeTrackingUrl(delivery, said) {
  if (typeof said?.trackingUrl === 'string' && said.trackingUrl.startsWith('/track/')) {
    delivery.trackingUrl = said.trackingUrl;
  }
}

/**
 * Expected arrival: a device's delivery has the server's (null while it does not know the vehicle's speed); a
 * simulated one, the points still to drive, one interval each, from now (the latest position).
 */
export function refreshEta(state, delivery, now) {
  if (delivery.device) {
    delivery.etaAt = delivery.finished ? null : latestEstimate(delivery)?.etaAt ?? null;
    return;
  }
  const left = remainingPoints(delivery, routeOf(state, delivery));
  delivery.etaAt = delivery.finished || left === null ? null : now + left * state.intervalMs;
}

/** The camera follows this delivery, or stops following it if it already did. Returns who is followed now. */
export function toggleCamera(state, deliveryId) {
  state.cameraDeliveryId = state.cameraDeliveryId === deliveryId ? null : deliveryId;
  return state.cameraDeliveryId;
}

/** Marks the delivery arrived; the camera stops following it. */
export function settleFinished(state, delivery) {
  delivery.finished = true;
  if (state.cameraDeliveryId === delivery.id) {
    state.cameraDeliveryId = null;
  }
}

/** The socket opened: returns true when this is a reconnect (positions may have been missed meanwhile). */
export function connectionOpened(state) {
  const reconnected = state.everConnected;
  state.connection = 'live';
  state.everConnected = true;
  return reconnected;
}

/** The socket closed: the client retries on its own unless the browser itself has no network. */
export function connectionClosed(state, browserOnline) {
  state.connection = browserOnline ? 'reconnecting' : 'offline';
}

/** The browser has network again: an offline page is now reconnecting. Returns true when that changed. */
export function browserBackOnline(state) {
  if (state.connection !== 'offline') {
    return false;
  }
  state.connection = 'reconnecting';
  return true;
}

export function unfinishedDeliveries(state) {
  return [...state.deliveries.values()].filter((delivery) => !delivery.finished);
}

/**
 * After a reconnect: the deliveries this page still shows as on the road that the server's active lists
 * no longer name (they may have arrived while the page was away).
 */
export function unfinishedNotListed(state, listedActiveIds) {
  const listed = new Set(listedActiveIds);
  return unfinishedDeliveries(state).filter((delivery) => !listed.has(delivery.id));
}

/** Summaries oldest start first, so the list reads in the order the deliveries set off, as live additions do. */
export function byStart(summaries) {
  return [...summaries].sort((a, b) => String(a.startedAt).localeCompare(String(b.startedAt)));
}
