// Delivery state and the rules for merging positions. No DOM and no Leaflet here, so the
// merge-by-seq logic (the part reconnects and catch-up depend on) stays easy to check.

// Dark enough to read as text-adjacent swatches and to stand out on light map tiles.
const PALETTE = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#e65100',
  '#00838f', '#ad1457', '#4e342e', '#827717', '#283593'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isDeliveryId(value) {
  return typeof value === 'string' && UUID.test(value);
}

/** A distinct colour per delivery: the palette first, then golden-angle hues so neighbours still differ. */
export function colourFor(index) {
  if (index < PALETTE.length) {
    return PALETTE[index];
  }
  const hue = Math.round((index * 137.508) % 360);
  return `hsl(${hue}, 70%, 35%)`;
}

export function createDelivery(id, routeId, colour) {
  return {
    id,
    routeId: routeId ?? null,
    colour,
    positions: [], // {seq, lat, lon, timestamp}, ascending seq, no duplicates
    finished: false,
    seenLive: false, // known to this page while still on the road (so its arrival is news worth a notice)
    pointCount: null, // route length in points, from the delivery summary, for when the route is unknown
    etaAt: null, // epoch ms the vehicle is expected to arrive, recomputed with each position
    marker: null, // Leaflet vehicle marker once the first position is known
  };
}

/** The position message as a stored point, or null when it is malformed (then it is ignored, not fatal). */
function toPoint(message) {
  const seq = message?.seq;
  const lat = message?.position?.lat;
  const lon = message?.position?.lon;
  if (!Number.isInteger(seq) || seq < 0 || !Number.isFinite(lat) || !Number.isFinite(lon)) {
    return null;
  }
  return { seq, lat, lon, timestamp: message.timestamp ?? null };
}

/** Index where seq belongs in the ascending list (binary search: catch-up batches can be long). */
function insertionIndex(points, seq) {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (points[mid].seq < seq) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

/**
 * Merges position messages into the delivery in seq order. A seq already held is skipped, because live
 * messages and a catch-up fetch overlap after every reconnect. Returns how many points were new.
 */
export function mergePositions(delivery, messages) {
  let added = 0;
  for (const message of messages) {
    const point = toPoint(message);
    if (point === null) {
      continue;
    }
    const points = delivery.positions;
    const index = insertionIndex(points, point.seq);
    if (index < points.length && points[index].seq === point.seq) {
      continue;
    }
    points.splice(index, 0, point);
    added++;
    if (delivery.routeId === null && typeof message.routeId === 'string') {
      delivery.routeId = message.routeId;
    }
    if (message.finished === true) {
      delivery.finished = true;
    }
  }
  return added;
}

export function latestPosition(delivery) {
  return delivery.positions.length ? delivery.positions[delivery.positions.length - 1] : null;
}

/** Seqs start at 0 and are unique, so the list is gap-free exactly when the last seq equals count - 1. */
export function hasGap(delivery) {
  const latest = latestPosition(delivery);
  return latest !== null && latest.seq !== delivery.positions.length - 1;
}

/**
 * The lowest seq not held: where a catch-up fetch starts (fromSeq), so it asks only for what is missing
 * (live positions after a hole are re-sent by the store too and skipped by mergePositions).
 */
export function firstMissingSeq(delivery) {
  const points = delivery.positions;
  if (points.length === 0 || points[points.length - 1].seq === points.length - 1) {
    return points.length;
  }
  // Seqs are unique and ascending, so seq === index holds exactly up to the first hole.
  let low = 0;
  let high = points.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (points[mid].seq === mid) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

/** Points still to be driven after the latest one held, or null when the route length is not known. */
export function remainingPoints(delivery, route) {
  const total = route && route.points.length > 0 ? route.points.length : delivery.pointCount;
  if (!Number.isInteger(total) || total <= 0) {
    return null;
  }
  if (delivery.finished) {
    return 0;
  }
  const latest = latestPosition(delivery);
  return Math.max(0, total - 1 - (latest ? latest.seq : -1));
}

const CLOCK = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

export function formatClock(epochMs) {
  return CLOCK.format(new Date(epochMs));
}

/** "ETA 14:32:05 (~2 min)": the clock time plus how far away that is, rounded for reading at a glance. */
export function formatEta(etaAt, now) {
  const left = Math.max(0, etaAt - now);
  let rough;
  if (left < 1_000) {
    rough = 'arriving';
  } else if (left < 60_000) {
    rough = `~${Math.round(left / 1_000)} s`;
  } else {
    rough = `~${Math.round(left / 60_000)} min`;
  }
  return `ETA ${formatClock(etaAt)} (${rough})`;
}

/** m:ss for replay times. */
export function formatDuration(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * Replay clock offsets (ms from the first point) from the stored timestamps: never going backwards, and
 * falling back to one interval per point where a timestamp is missing or the track has no duration at all.
 */
export function replayOffsets(points, intervalMs) {
  const parsed = points.map((p) => (typeof p.timestamp === 'string' ? Date.parse(p.timestamp) : NaN));
  const first = parsed[0];
  const offsets = [];
  let previous = 0;
  for (let i = 0; i < points.length; i++) {
    let offset = Number.isFinite(parsed[i]) && Number.isFinite(first)
      ? parsed[i] - first : previous + (i === 0 ? 0 : intervalMs);
    offset = Math.max(offset, previous);
    offsets.push(offset);
    previous = offset;
  }
  if (points.length > 1 && offsets[offsets.length - 1] === 0) {
    return points.map((_, i) => i * intervalMs);
  }
  return offsets;
}

/** Great-circle distance in metres; plenty precise for "km remaining" in one city. */
function metresBetween(a, b) {
  const toRadians = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRadians;
  const dLon = (b.lon - a.lon) * toRadians;
  const h = Math.sin(dLat / 2) ** 2
    + Math.cos(a.lat * toRadians) * Math.cos(b.lat * toRadians) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

/** Cumulative distance along a route at each point, computed once per route. */
export function cumulativeMetres(points) {
  const totals = [0];
  for (let i = 1; i < points.length; i++) {
    totals.push(totals[i - 1] + metresBetween(points[i - 1], points[i]));
  }
  return totals;
}

/**
 * Metres left after reaching point seq. The simulator emits route point i as seq i, so the route's own
 * geometry gives the answer; scaled to the server's lengthMetres so the two figures agree.
 */
export function remainingMetres(route, seq) {
  const totals = route.cumulative;
  const last = totals.length - 1;
  if (last <= 0) {
    return 0;
  }
  const travelledShare = totals[Math.min(Math.max(seq, 0), last)] / totals[last];
  const length = Number.isFinite(route.lengthMetres) ? route.lengthMetres : totals[last];
  return Math.max(0, length * (1 - travelledShare));
}

export function formatKm(metres) {
  return `${(metres / 1000).toFixed(1)} km`;
}
