// Every server call of the driver page, and only here: the page's settings, the OsmAnd post to the ingestion
// role, the device's active delivery and "Delivered". fetch is passed in so tests can stand in for the servers.

import { osmAndForm } from './driver-fix.js';

/** A fix post that has had no answer for this long is abandoned and retried (mobile networks can hang). */
export const POST_TIMEOUT_MS = 15_000;
const REASON_MAX_CHARS = 200;

export function createDriverApi(fetchImpl = (...args) => fetch(...args), { timeoutMs = POST_TIMEOUT_MS } = {}) {
  return {
    /** GET /api/config: {ingestUrl, ingestPort, tilesUrl, …}, or null when it could not be read. */
    async config() {
      try {
        const response = await fetchImpl('/api/config', { headers: { accept: 'application/json' } });
        return response.status === 200 ? await response.json() : null;
      } catch {
        return null;
      }
    },

    /**
     * One OsmAnd fix to the ingestion role: {status, reason, retryAfterMs}, status 0 when there was no answer.
     * A form-encoded POST without custom headers is a CORS "simple request": no preflight round trip per fix,
     * and no cookies go to the other port.
     */
    async postFix(ingestUrl, fix) {
      try {
        const response = await fetchImpl(ingestUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: osmAndForm(fix),
          mode: 'cors',
          credentials: 'omit',
          cache: 'no-store',
          signal: AbortSignal.timeout(timeoutMs),
        });
        const ok = response.status >= 200 && response.status < 300;
        return {
          status: response.status,
          reason: ok ? '' : await reasonOf(response),
          retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
        };
      } catch (error) {
        return { status: 0, reason: error?.name === 'TimeoutError' ? 'no answer in time' : 'no connection to the server' };
      }
    },

    /**
     * The device's active delivery: {state: 'active', delivery}, {state: 'none'} (404), or {state: 'unknown'} when
     * the server could not say (offline, an error, an answer without a usable destination).
     */
    async activeDelivery(deviceId) {
      try {
        const response = await fetchImpl(`/api/devices/${encodeURIComponent(deviceId)}/delivery`,
          { headers: { accept: 'application/json' }, cache: 'no-store' });
        if (response.status === 404) {
          return { state: 'none' };
        }
        const delivery = response.status === 200 ? await response.json() : null;
        return isDelivery(delivery) ? { state: 'active', delivery } : { state: 'unknown' };
      } catch {
        return { state: 'unknown' };
      }
    },

    /** POST /api/deliveries/{id}/complete: {ok: true} or {ok: false, reason}. */
    async complete(deliveryId) {
      try {
        const response = await fetchImpl(`/api/deliveries/${encodeURIComponent(deliveryId)}/complete`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: '{}',
        });
        return response.status >= 200 && response.status < 300 ? { ok: true } : { ok: false, reason: await reasonOf(response) };
      } catch {
        return { ok: false, reason: 'no connection to the server; try again' };
      }
    },
  };
}

function isDelivery(value) {
  return typeof value?.deliveryId === 'string'
    && Number.isFinite(value.destination?.lat) && Number.isFinite(value.destination?.lon);
}

/** The server's words for a refusal: the JSON error's message, else the body's text, else the status. */
async function reasonOf(response) {
  let text = '';
  try {
    text = (await response.text()).trim();
  } catch {
    // No readable body: the status says it.
  }
  try {
    const message = JSON.parse(text)?.message;
    if (typeof message === 'string' && message) {
      text = message;
    }
  } catch {
    // Not JSON: the text as it is.
  }
  return text ? text.slice(0, REASON_MAX_CHARS) : `HTTP ${response.status}`;
}

/** Retry-After in seconds (the only form our servers send) as milliseconds, else null. */
function retryAfterMs(header) {
  const seconds = Number.parseInt(header ?? '', 10);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}
