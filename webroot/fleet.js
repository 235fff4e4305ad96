// The console's view of the whole fleet, as plain rules: what the fleet feed (deliveries.fleet) says, each
// delivery's status, counts per status, search, filters and sort, and how fresh what the page shows is. No DOM, no
// network: the tracker applies these and the panel draws the result, and Node's test runner checks them alone.

import { isDeliveryId, latestPosition } from './deliveries.js';
import { formatClock } from './format.js';

/** The statuses the console counts and filters by, in the order its tabs show them. */
export const STATUSES = Object.freeze(['assigned', 'en-route', 'late', 'delivered', 'cancelled']);
export const STATUS_WORDS = Object.freeze({
  assigned: 'Assigned', 'en-route': 'En route', late: 'Late', delivered: 'Delivered', cancelled: 'Cancelled',
});
export const SORTS = Object.freeze(['started', 'eta', 'lateness']);
/** A delivery on the road with no news for this long is marked stale ("last update 45 s ago"). */
export const STALE_AFTER_MS = 30_000;

/**
 * The states of one fleet-feed message ({deliveries: [position, …]}): those naming a delivery, the newest per
 * delivery (two bridge instances of one process may each name it), malformed ones dropped.
 */
export function fleetStates(body) {
  const newest = new Map();
  for (const state of Array.isArray(body?.deliveries) ? body.deliveries : []) {
    if (!isDeliveryId(state?.deliveryId) || !Number.isInteger(state.seq)) {
      continue;
    }
    const held = newest.get(state.deliveryId);
    if (!held || held.seq < state.seq) {
      newest.set(state.deliveryId, state);
    }
  }
  return [...newest.values()];
}

/**
 * Assigned (nothing driven yet), en route, late (an event said so, or its ETA is past the time promised), delivered or
 * cancelled (an operator ended it so, or its events said so).
 */
export function statusOf(delivery) {
  if (delivery.finished) {
    return delivery.outcome === 'cancelled' ? 'cancelled' : 'delivered';
  }
  if (delivery.positions.length === 0) {
    return 'assigned';
  }
  return latenessMs(delivery) > 0 || delivery.late ? 'late' : 'en-route';
}

/**
 * What a delivery event (deliveries.events) says of its delivery's status: late or back on time, delivered or
 * cancelled. Returns true when it changed something the list shows.
 */
export function applyEvent(delivery, event) {
  switch (event?.type) {
    case 'late':
    case 'back_on_time': {
      const late = event.type === 'late';
      const changed = delivery.late !== late;
      delivery.late = late;
      return changed;
    }
    case 'delivered':
    case 'cancelled':
      delivery.outcome = event.type;
      return true;
    default:
      return false;
  }
}

/** How far past the promised time the expected arrival is (ms; negative: ahead), or null when either is unknown. */
export function latenessMs(delivery) {
  return Number.isFinite(delivery.promisedBy) && Number.isFinite(delivery.etaAt) ? delivery.etaAt - delivery.promisedBy : null;
}

/** How many deliveries have each status: {assigned: n, 'en-route': n, late: n, delivered: n, cancelled: n}. */
export function countByStatus(deliveries) {
  const counts = Object.fromEntries(STATUSES.map((status) => [status, 0]));
  for (const delivery of deliveries) {
    counts[statusOf(delivery)]++;
  }
  return counts;
}

/** What a search looks in: the order reference, the delivery id, the device, the customer and the route. */
function searchable(delivery, routeTitle) {
  return [delivery.reference, delivery.id, delivery.deviceId, delivery.customer, routeTitle, delivery.routeId]
    .filter((text) => typeof text === 'string' && text !== '')
    .join('\n')
    .toLowerCase();
}

/**
 * Whether the delivery is shown under these filters: {query (any part of a reference, id, device, customer or
 * route, case ignored), status ('all' or one of STATUSES), routeId ('all' or a route id)}.
 */
export function matches(delivery, { query = '', status = 'all', routeId = 'all' }, routeTitle) {
  if (status !== 'all' && statusOf(delivery) !== status) {
    return false;
  }
  if (routeId !== 'all' && delivery.routeId !== routeId) {
    return false;
  }
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) {
    return true;
  }
  const text = searchable(delivery, routeTitle);
  return words.every((word) => text.includes(word));
}

const last = Number.POSITIVE_INFINITY;

/**
 * The order deliveries are listed in: 'started' keeps the order they set off (their place in `deliveries`); 'eta'
 * soonest expected arrival first; 'lateness' the latest first (late ones by how late, then the rest by ETA).
 * Deliveries without the figure go last, in start order.
 */
export function sortDeliveries(deliveries, sort) {
  const indexed = deliveries.map((delivery, index) => ({ delivery, index }));
  const eta = ({ delivery }) => (Number.isFinite(delivery.etaAt) && !delivery.finished ? delivery.etaAt : last);
  const lateness = ({ delivery }) => {
    if (delivery.finished) {
      return last;
    }
    const late = latenessMs(delivery);
    return -(late ?? (delivery.late ? 0 : -last));
  };
  const key = sort === 'eta' ? eta : sort === 'lateness' ? lateness : () => 0;
  indexed.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) {
      return ka < kb ? -1 : 1;
    }
    return sort === 'lateness' ? eta(a) - eta(b) || a.index - b.index : a.index - b.index;
  });
  return indexed.map(({ delivery }) => delivery);
}

/**
 * How fresh what the page shows of a delivery is, at `now`: {text: "last update 12 s ago", stale}. Stale: still on
 * the road and nothing heard of it for STALE_AFTER_MS. Null when nothing was ever heard (an assigned delivery).
 */
export function freshnessOf(delivery, now) {
  const at = latestTimestamp(delivery);
  if (at === null) {
    return null;
  }
  const ago = Math.max(0, now - at);
  return { text: `last update ${agoText(ago)}`, stale: !delivery.finished && ago > STALE_AFTER_MS };
}

function agoText(ms) {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) {
    return `${seconds} s ago`;
  }
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ago` : `${Math.floor(minutes / 60)} h ago`;
}

/** While the connection is down: "updates paused since 14:02:10" (the clock time it went down). */
export function pausedText(since) {
  return `Updates paused since ${formatClock(since)}`;
}

/** The epoch ms of the newest position held, by its own timestamp, or null. */
function latestTimestamp(delivery) {
  const at = Date.parse(latestPosition(delivery)?.timestamp ?? '');
  return Number.isFinite(at) ? at : null;
}
