// The words of the customer tracking page. Pure functions of the figures (track-state.js) and a clock; the time
// zone is the browser's unless one is given (tests give one, so their expectations hold anywhere).

import { formatKm } from './format.js';

// Closer than this, a clock time says less than "arriving now" does.
const ARRIVING_MS = 60_000;

/** "14:32": the time of day to the nearest minute, 24-hour. */
export function clockText(epochMs, { timeZone } = {}) {
  const nearestMinute = Math.round(epochMs / 60_000) * 60_000;
  return new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone })
    .format(new Date(nearestMinute));
}

/** The one line that says where the delivery stands, e.g. "On the way — arrives ~14:32" or "Delivered at 14:31". */
export function statusLine(figures, now, options = {}) {
  switch (figures.phase) {
    case 'delivered':
      return figures.finishedAt === null ? 'Delivered' : `Delivered at ${clockText(figures.finishedAt, options)}`;
    case 'cancelled':
      return 'Cancelled';
    case 'waiting':
      return 'Waiting for the vehicle';
    default:
      if (figures.etaAt === null) {
        return 'On the way';
      }
      return figures.etaAt - now < ARRIVING_MS ? 'On the way — arriving now' : `On the way — arrives ~${clockText(figures.etaAt, options)}`;
  }
}

/** How long ago the newest position was recorded: "4 s ago", "3 min ago", or its time of day once that is long ago. */
export function lastUpdateText(lastUpdateAt, now, options = {}) {
  if (lastUpdateAt === null) {
    return 'none yet';
  }
  // The server's clock may run a little ahead of the browser's: never "in the future".
  const seconds = Math.max(0, Math.floor((now - lastUpdateAt) / 1000));
  if (seconds < 60) {
    return `${seconds} s ago`;
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ago`;
  }
  return `at ${clockText(lastUpdateAt, options)}`;
}

/** "1.2 km" (or "350 m" for the last stretch, where tenths of a kilometre say too little); null when unknown. */
export function distanceText(metres) {
  if (metres === null) {
    return null;
  }
  const tens = Math.round(metres / 10) * 10;
  return tens < 1000 ? `${tens} m` : formatKm(metres);
}

/** "42 %", for the progress bar's text; null when unknown. */
export function progressText(progress) {
  return progress === null ? null : `${Math.round(progress * 100)} %`;
}
