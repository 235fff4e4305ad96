// The server's REST API as the page uses it. Each read answers plain data, or null when the server could
// not answer it (the caller decides what the page shows then). fetch is passed in so tests can stand in
// for the server. A 401 (the session ended) takes the page to sign-in.

import { callApi } from './account.js';

// Deliveries listed per page of GET /api/deliveries, and how many pages of one status to read at most.
export const PAGE_LIMIT = 100;
const MAX_PAGES = 5;

export function createApi(fetchJson = browserFetchJson, send = callApi) {
  return {
    /** GET /api/config: {tilesUrl, intervalMs}. */
    config: () => fetchJson('/api/config'),

    /** GET /api/routes: the route catalogue. */
    routes: () => fetchJson('/api/routes'),

    /** POST /api/deliveries on this route: {status, body}; body.deliveryId on a 202, body.message says why not otherwise. */
    startDelivery: (routeId) => send('POST', '/api/deliveries', { routeId }),

    /** GET /api/deliveries/{id}: the delivery JSON (with its trackingUrl), null while not stored yet. */
    delivery: (deliveryId) => fetchJson(`/api/deliveries/${encodeURIComponent(deliveryId)}`),

    /**
     * Withdraws the delivery's customer link (the old one stops working): {status, body}; body.trackingUrl is the new
     * link on a 200, body.message says why not otherwise.
     */
    renewTrackingLink: (deliveryId) => send('POST', `/api/deliveries/${encodeURIComponent(deliveryId)}/tracking-link/revoke`, {}),

    /**
     * A delivery's stored positions from fromSeq on. A 404 (not stored yet, or unknown) and network failures
     * are null, not errors: live positions still arrive.
     */
    async positions(deliveryId, fromSeq = 0) {
      const query = fromSeq > 0 ? `?fromSeq=${fromSeq}` : '';
      const positions = await fetchJson(`/api/deliveries/${encodeURIComponent(deliveryId)}/positions${query}`);
      return Array.isArray(positions) ? positions : null;
    },

    /** One page of GET /api/deliveries ({items, next}). */
    async listPage(params) {
      const page = await fetchJson(`/api/deliveries?${new URLSearchParams(params)}`);
      return Array.isArray(page?.items) ? page : null;
    },

    /**
     * Every delivery with this status, newest first, following `next` for up to a few pages; null when not
     * even the first page could be read, what was read when a later one fails.
     */
    async listAll(status) {
      const items = [];
      let after = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const params = { status, limit: String(PAGE_LIMIT) };
        if (after) {
          params.after = after;
        }
        const result = await this.listPage(params);
        if (!result) {
          return page === 0 ? null : items;
        }
        items.push(...result.items);
        after = result.next;
        if (!after) {
          break;
        }
      }
      return items;
    },
  };
}

/** The JSON body of a 200 answer, or null for any other status, a network failure or a body that is not JSON. */
async function browserFetchJson(url) {
  const answer = await callApi('GET', url);
  return answer.status === 200 ? answer.body : null;
}
