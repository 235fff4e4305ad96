// The words and numbers the page shows. Pure functions: the panel and the replay put their results in the DOM.

import { latestEstimate, latestPosition } from './deliveries.js';
import { remainingMetres } from './distance.js';

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

export function formatKm(metres) {
  return `${(metres / 1000).toFixed(1)} km`;
}

/** How a delivery is named on screen: its route's title, else what little is known of it. */
export function titleOf(delivery, route) {
  if (route) {
    return route.title;
  }
  return delivery.routeId ? `route ${delivery.routeId}` : `delivery ${delivery.id.slice(0, 8)}`;
}

/**
 * How a delivery is titled in the list: its order reference and customer when it has them, then its route ("A-1042 ·
 * Ana Souza · Downtown loop"); a simulated one, its route and the start of its id, so two on one route differ.
 */
export function itemTitle(delivery, route) {
  const parts = [delivery.reference, delivery.customer].filter((text) => typeof text === 'string' && text !== '');
  const routeTitle = titleOf(delivery, route);
  if (parts.length > 0) {
    return [...parts, routeTitle].join(' · ');
  }
  return route || delivery.routeId ? `${routeTitle} · ${delivery.id.slice(0, 8)}` : routeTitle;
}

/** Steps of the progress bar for a delivery whose progress is a fraction (the server's, for a device's delivery). */
const PROGRESS_STEPS = 1000;

/**
 * Everything a delivery's list item shows, from its latest position: labels, the progress bar (null
 * while the route is not known: an indeterminate bar), distance left and the ETA (null once arrived).
 * A device's delivery shows the server's own figures, which every client was sent alike.
 */
export function deliveryItemText(delivery, route, now) {
  const title = itemTitle(delivery, route);
  const latest = latestPosition(delivery);
  let progress = null;
  let remaining = delivery.finished ? (delivery.outcome === 'cancelled' ? 'cancelled' : 'arrived') : '';
  if (delivery.device) {
    const estimate = latestEstimate(delivery);
    if (delivery.finished) {
      progress = { max: PROGRESS_STEPS, value: PROGRESS_STEPS };
    } else if (estimate) {
      progress = { max: PROGRESS_STEPS, value: Math.round(estimate.progress * PROGRESS_STEPS) };
      remaining = `${formatKm(estimate.remainingMetres)} left`;
    }
  } else if (route && route.points.length > 0) {
    // Finished means arrived, even if a middle point is still being caught up.
    progress = { max: route.points.length, value: delivery.finished ? route.points.length : latest ? latest.seq + 1 : 0 };
    if (!delivery.finished) {
      remaining = `${formatKm(remainingMetres(route, latest ? latest.seq : 0))} left`;
    }
  }
  const eta = !delivery.finished && delivery.etaAt !== null
    ? { text: formatEta(delivery.etaAt, now), dateTime: new Date(delivery.etaAt).toISOString() } : null;
  return {
    title,
    followLabel: delivery.finished ? `Replay the delivery on ${title}` : `Follow the delivery on ${title} with the map`,
    // Each starts with its button's visible text, so a user who says what they see ("Copy link") reaches it.
    copyLinkLabel: `Copy link for the customer to the delivery on ${title}`,
    shareLinkLabel: `Share the customer link to the delivery on ${title}`,
    renewLinkLabel: `New link for the customer to the delivery on ${title}, withdrawing the current one`,
    linkTextLabel: `Customer link to the delivery on ${title}`,
    progressLabel: `Progress of the delivery on ${title}`,
    progress,
    remaining,
    eta,
  };
}

/** Words for the bridge's terse error codes (it answers a refused frame with e.g. body "rejected"). */
export function describeBusError(err) {
  const reason = err?.body ?? err?.message ?? err?.failureType;
  switch (reason) {
    case 'rejected':
    case 'access_denied':
      return 'The server refused a request from this page.';
    case 'max_handlers_reached':
      return 'Following too many deliveries at once; some will not update live.';
    case 'max_address_length_reached':
      return 'The server refused an address that is too long.';
    case 'invalid_json':
      return 'The server could not read a message from this page.';
    default:
      return `Server problem: ${typeof reason === 'string' && reason ? reason : 'unknown error'}`;
  }
}
