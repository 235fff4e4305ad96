// Code Delivery map page, entry point: reads the page's settings, builds its parts and wires them together.
// SockJS, EventBus and Leaflet (L) are globals from the classic scripts loaded before this module.
//
// The parts: account.js (who is signed in; a 401 anywhere goes to sign-in), api.js (REST reads), live-feed.js (SockJS event bus), state.js (what the page knows, plain
// data), tracker.js (orchestration), routing.js (the #/deliveries/<id> address), map-view.js, panel.js and
// replay.js (what is drawn), access.js / deliveries.js / distance.js / fleet.js / format.js / replay-track.js (pure rules),
// tracking-link.js (customers' links: copy, share).

import { controlsFor } from './access.js';
import { currentSession, showAccount } from './account.js';
import { createApi } from './api.js';
import { LiveFeed } from './live-feed.js';
import { MapView } from './map-view.js';
import * as panel from './panel.js';
import { Replay } from './replay.js';
import { applyConfig, createState } from './state.js';
import { Tracker } from './tracker.js';

// How often ETAs count down and "last update N s ago" moves on.
const TICK_MS = 1000;

async function main() {
  // Who is signed in decides which controls are drawn; without a session the page is already leaving for sign-in.
  const { session, status } = await currentSession();
  if (!session) {
    if (status !== 401) {
      panel.showNotice('Could not tell who is signed in; reload the page to try again.', { error: true });
    }
    return;
  }
  const controls = controlsFor(session.roles);
  showAccount(session, controls, (problem) => panel.showNotice(problem, { error: true }));

  const api = createApi();
  const state = createState();
  const config = await api.config();
  if (config === null) {
    panel.showNotice('Settings could not be loaded; the map runs without tiles.', { error: true });
  }
  applyConfig(state, config);

  let tracker = null;
  const mapView = new MapView(document.getElementById('map'), config?.tilesUrl ?? '', panel.showTilesNote,
    { cluster: true, onVehicleClick: (id) => tracker.selectFromMap(id) });
  const replay = new Replay(mapView, { intervalMs: state.intervalMs, onClose: (id) => tracker.onReplayClosed(id) });
  const feed = new LiveFeed({
    onOpen: () => tracker.onOpen(),
    onClose: () => tracker.onClose(),
    onError: (err) => {
      tracker.onBusError(err);
      // The bridge refuses everything once the session has ended: asking the REST side tells (a 401 goes to sign-in).
      if (err?.body === 'access_denied') {
        currentSession();
      }
    },
    onUpdate: (update) => tracker.onUpdate(update),
    onEvent: (event) => tracker.onEvent(event),
    onFleet: (batch) => tracker.onFleet(batch),
  });
  tracker = new Tracker({ state, api, feed, mapView, replay, panel, controls });
  panel.bindFleetTools({
    onFilter: (change) => tracker.setFilter(change),
    onTrails: (shown) => tracker.showFinishedTrails(shown),
    onMore: () => tracker.loadRecent(),
  });
  setInterval(() => tracker.tick(), TICK_MS);

  // An operator's check of a page that seems to miss positions: the seqs it holds for a delivery, to compare
  // with GET /api/deliveries/{id}/positions. Read-only copies; nothing else of the page is reachable here.
  window.codeDelivery = Object.freeze({
    seqsHeld: (deliveryId) => state.deliveries.get(deliveryId)?.positions.map((p) => p.seq) ?? null,
  });

  // Routes first, so deliveries opened from a link get their title and planned line right away.
  await tracker.loadRoutes();
  feed.connect();
  tracker.openFromHash(window.location.hash);
  window.addEventListener('hashchange', () => tracker.openFromHash(window.location.hash));
  window.addEventListener('online', () => tracker.onBrowserOnline());
}

main();
