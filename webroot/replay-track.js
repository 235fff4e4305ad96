// Where a replay stands at a given track time: pure functions of the stored points and their times.

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

/** Index of the last offset <= clock (offsets ascending, offsets[0] = 0). */
export function indexAt(offsets, clock) {
  let low = 0;
  let high = offsets.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if (offsets[mid] <= clock) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  return low;
}

/**
 * The replay at track time `clock`: the stored point reached (index), the vehicle's spot (between that
 * point and the next, in proportion to the time between them) and the trail driven so far, ending at the
 * vehicle. Once done, the vehicle is at the last point. Null for an empty track.
 */
export function replayFrame(points, offsets, clock, done) {
  if (points.length === 0) {
    return null;
  }
  const index = done ? points.length - 1 : indexAt(offsets, clock);
  const here = points[index];
  let lat = here.lat;
  let lon = here.lon;
  const next = points[index + 1];
  if (next && !done) {
    const span = offsets[index + 1] - offsets[index];
    const t = span > 0 ? Math.min(1, (clock - offsets[index]) / span) : 0;
    lat += (next.lat - here.lat) * t;
    lon += (next.lon - here.lon) * t;
  }
  const trail = points.slice(0, index + 1).map((p) => [p.lat, p.lon]);
  trail.push([lat, lon]);
  return { index, lat, lon, trail };
}
