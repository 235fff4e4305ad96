// A delivery as this page holds it, and the rules for merging its positions. Plain data only: no DOM, no
// Leaflet (the map view keeps each delivery's drawn layers, keyed by delivery id), so the merge-by-seq
// logic that reconnects and catch-up depend on runs in Node's test runner as it runs in the page.

// Dark enough to read as text-adjacent swatches and to stand out on light map tiles.
const PALETTE = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#e65100',
  '#00838f', '#ad1457', '#4e342e', '#827717', '#283593'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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
    positions: [], // {seq, lat, lon, timestamp, estimate}, ascending seq, no duplicates
    finished: false,
    // Driven by a device (its positions carry deviceId): seqs are fix times in epoch ms, not 0, 1, 2…, and the
    // server sends its own progress, distance left and ETA with each newest position.
    device: false,
    pointCount: null, // route length in points, from the delivery summary, for when the route is unknown
    etaAt: null, // epoch ms the vehicle is expected to arrive, recomputed with each position
    trackingUrl: null, // the customer's link (/track/<token>), once the server has said it
    // What the operator gave a device's delivery, when it was assigned (GET /api/deliveries): order reference,
    // customer's name, the device, and the time promised (epoch ms).
    reference: null,
    customer: null,
    deviceId: null,
    promisedBy: null,
    outcome: null, // 'delivered' | 'cancelled' once ended, when the server said which
    late: false, // a "late" event came and no "back on time" since
    finishedAt: null, // epoch ms it arrived or ended, once known
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
  return { seq, lat, lon, timestamp: message.timestamp ?? null, estimate: estimateOf(message), finished: message.finished === true };
}

/**
 * The server's reckoning carried by a device's position, or null (simulated positions, and a device's late fixes,
 * carry none): progress 0..1, metres left, and the expected arrival in epoch ms (null while the speed is unknown).
 */
function estimateOf(message) {
  const progress = message?.progress;
  const metres = message?.distanceRemainingMetres;
  if (!Number.isFinite(progress) || progress < 0 || progress > 1 || !Number.isFinite(metres) || metres < 0) {
    return null;
  }
  const eta = typeof message.eta === 'string' ? Date.parse(message.eta) : NaN;
  return { progress, remainingMetres: metres, etaAt: Number.isFinite(eta) ? eta : null };
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
    if (typeof message.deviceId === 'string') {
      delivery.device = true;
      delivery.deviceId = message.deviceId;
    }
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

/**
 * A simulated delivery's seqs start at 0 and are unique, so the list is gap-free exactly when the last seq equals
 * count - 1. A device's seqs are fix times, whose spacing says nothing about what is missing: never a gap by seq.
 */
export function hasGap(delivery) {
  const latest = latestPosition(delivery);
  return !delivery.device && latest !== null && latest.seq !== delivery.positions.length - 1;
}

/**
 * Whether a finished simulated delivery's track is whole: no gap, and its last position (the one marked finished)
 * held. Its arrival can reach the page (deliveries.updates, the fleet feed) before its last positions do.
 */
export function holdsWholeTrack(delivery) {
  return delivery.positions.length > 0 && !hasGap(delivery) && latestPosition(delivery).finished === true;
}

/**
 * Where a catch-up fetch starts (fromSeq), so it asks only for what is missing (live positions after a hole are
 * re-sent by the store too and skipped by mergePositions): the lowest seq not held; for a device's delivery, the
 * newest held, since what it missed while away came after that.
 */
export function firstMissingSeq(delivery) {
  const points = delivery.positions;
  if (delivery.device) {
    return points.length === 0 ? 0 : points[points.length - 1].seq;
  }
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

/** The server's reckoning at the newest position that carries one (a late fix carries none), or null. */
export function latestEstimate(delivery) {
  for (let i = delivery.positions.length - 1; i >= 0; i--) {
    if (delivery.positions[i].estimate) {
      return delivery.positions[i].estimate;
    }
  }
  return null;
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
