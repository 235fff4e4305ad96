// Distances along a route, for "km left". Pure functions of the route's points.

/** Great-circle distance in metres; plenty precise for "km remaining" in one city. */
export function metresBetween(a, b) {
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
