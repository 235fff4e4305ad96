// What the customer tracking page knows of its one delivery, as plain data, and the transitions on it: the
// delivery JSON of GET /api/track/<token> taken in, positions merged by seq (the console's own rules, from
// deliveries.js), and the figures the page shows worked out from them. No DOM, no network, no Leaflet.

import { createDelivery, latestEstimate, latestPosition, mergePositions, remainingPoints } from './deliveries.js';
import { cumulativeMetres, remainingMetres } from './distance.js';
import { DEFAULT_INTERVAL_MS } from './state.js';

// One vehicle on the page: the console's first colour, which reads well on the map tiles.
const COLOUR = '#1565c0';

const text = (value) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
const time = (value) => {
  const parsed = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(parsed) ? parsed : null;
};
const number = (value) => (Number.isFinite(value) ? value : null);
const latLon = (value) => (Number.isFinite(value?.lat) && Number.isFinite(value?.lon) ? { lat: value.lat, lon: value.lon } : null);

/** The planned route as the map and the distance rules use it, or null when the delivery has none. */
function routeOf(json) {
  const points = Array.isArray(json?.points) ? json.points.map(latLon) : [];
  if (points.length === 0 || points.includes(null)) {
    return null;
  }
  return { id: String(json.id ?? ''), points, cumulative: cumulativeMetres(points) };
}

/**
 * The tracked delivery from its JSON: the delivery as the console holds one (positions merged by seq), its
 * planned route and destination, the words the customer knows it by, and how it ended (outcome 'delivered' or
 * 'cancelled', null while it has not).
 */
export function createTracking(json) {
  const delivery = createDelivery(json.deliveryId, text(json.routeId), COLOUR);
  delivery.device = typeof json.deviceId === 'string';
  if (Number.isInteger(json.pointCount) && json.pointCount > 0) {
    delivery.pointCount = json.pointCount;
  }
  const route = routeOf(json.route);
  const tracking = {
    delivery,
    route,
    // A device's delivery names its destination; a simulated one ends where its route does.
    destination: latLon(json.destination) ?? (route ? route.points[route.points.length - 1] : null),
    intervalMs: number(json.intervalMs) > 0 ? json.intervalMs : DEFAULT_INTERVAL_MS,
    reference: text(json.reference),
    customerName: text(json.customer?.name),
    outcome: null,
    finishedAt: null,
    server: null, // the server's figures as of the last read, for while no position is held
  };
  applyDeliveryJson(tracking, json);
  return tracking;
}

/** A (re-)read of the delivery JSON: the server's word on how it ended and its figures then. */
export function applyDeliveryJson(tracking, json) {
  if (json.status === 'finished' || json.status === 'delivered') {
    tracking.outcome = 'delivered';
  } else if (json.status === 'cancelled') {
    tracking.outcome = 'cancelled';
  }
  if (tracking.outcome !== null) {
    tracking.delivery.finished = true;
    tracking.finishedAt = time(json.finishedAt) ?? tracking.finishedAt;
  }
  tracking.server = {
    lastPosition: latLon(json.lastPosition),
    progress: number(json.progress),
    remainingMetres: number(json.distanceRemainingMetres),
    etaAt: time(json.eta),
    updatedAt: time(json.updatedAt),
  };
}

/**
 * Merges position messages (live ones, or a stored track) by seq. The finishing position ends the delivery: a
 * simulated one always arrives; a device's is delivered when it carries the server's estimate (progress 1), and
 * cancelled when it carries none. Returns how many positions were new and whether the delivery ended just now.
 */
export function applyPositions(tracking, messages) {
  const wasFinished = tracking.delivery.finished;
  const added = mergePositions(tracking.delivery, messages);
  const end = messages.find((message) => message?.finished === true);
  if (end && tracking.outcome === null) {
    const delivered = !tracking.delivery.device || Number.isFinite(end.progress);
    tracking.outcome = delivered ? 'delivered' : 'cancelled';
    tracking.finishedAt = time(end.timestamp);
  }
  return { added, ended: !wasFinished && tracking.delivery.finished };
}

/**
 * What the page shows, from the positions held (else the server's figures of the last read):
 * phase ('waiting' | 'on-the-way' | 'delivered' | 'cancelled'), etaAt and finishedAt (epoch ms or null),
 * progress (0..1 or null), remainingMetres (or null), lastUpdateAt (epoch ms of the newest position, or null)
 * and the vehicle's spot ({lat, lon} or null).
 */
export function figuresOf(tracking) {
  const { delivery, server } = tracking;
  const latest = latestPosition(delivery);
  const vehicle = latest ? { lat: latest.lat, lon: latest.lon } : server.lastPosition;
  const base = {
    finishedAt: tracking.finishedAt,
    lastUpdateAt: (latest ? time(latest.timestamp) : null) ?? server.updatedAt,
    vehicle,
  };
  if (tracking.outcome === 'delivered') {
    return { ...base, phase: 'delivered', etaAt: null, progress: 1, remainingMetres: 0 };
  }
  if (tracking.outcome === 'cancelled') {
    return { ...base, phase: 'cancelled', etaAt: null, progress: null, remainingMetres: null };
  }
  if (vehicle === null) {
    return { ...base, phase: 'waiting', etaAt: null, progress: null, remainingMetres: null };
  }
  const estimate = delivery.device ? deviceEstimate(delivery, server) : routeEstimate(tracking, latest);
  return { ...base, phase: 'on-the-way', ...estimate };
}

/** A device's delivery: the server's own reckoning, sent with its newest positions. */
function deviceEstimate(delivery, server) {
  const estimate = latestEstimate(delivery);
  if (estimate) {
    return { etaAt: estimate.etaAt, progress: estimate.progress, remainingMetres: estimate.remainingMetres };
  }
  return { etaAt: server.etaAt, progress: server.progress, remainingMetres: server.remainingMetres };
}

/**
 * A simulated delivery drives its route's points one interval apart, point i as seq i: what is left follows from
 * the latest seq, and the arrival from that position's time plus one interval per point still to drive.
 */
function routeEstimate(tracking, latest) {
  const { delivery, route, server } = tracking;
  if (!latest || !route) {
    return { etaAt: server.etaAt, progress: server.progress, remainingMetres: server.remainingMetres };
  }
  const total = route.cumulative[route.cumulative.length - 1];
  const left = remainingMetres(route, latest.seq);
  const pointsLeft = remainingPoints(delivery, route);
  const at = time(latest.timestamp);
  return {
    etaAt: at === null || pointsLeft === null ? null : at + pointsLeft * tracking.intervalMs,
    progress: total > 0 ? 1 - left / total : null,
    remainingMetres: left,
  };
}
