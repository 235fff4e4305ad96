// Code Delivery map page: wires the server (REST + SockJS event bus) to the map and the side panel.
// SockJS, EventBus and Leaflet (L) are globals from the classic scripts loaded before this module.

import {
  colourFor, createDelivery, cumulativeMetres, hasGap, isDeliveryId, latestPosition, mergePositions,
} from './deliveries.js';
import { MapView } from './map-view.js';
import {
  addDeliveryItem, markFollowed, moveToRecent, renderRoutes, routesUnavailable, setConnection, showNotice,
  showTilesNote, titleOf, updateDeliveryItem,
} from './panel.js';

const UPDATES_ADDRESS = 'deliveries.updates';
const START_ADDRESS = 'deliveries.start';
const deliveryAddress = (id) => `delivery.${id}`;
const SHARE_LINK = /^#\/deliveries\/([^/]+)$/;

const state = {
  deliveries: new Map(), // deliveryId -> delivery (see createDelivery)
  routes: new Map(), // routeId -> route from /api/routes, plus its cumulative distances
  connection: 'offline',
  cameraDeliveryId: null, // the delivery the camera pans with, if any
  intervalMs: 500,
  everConnected: false,
};

// For automated browser tests and for poking around in dev tools.
window.codeDelivery = {
  deliveries: state.deliveries,
  routes: state.routes,
  get connection() {
    return state.connection;
  },
};

let mapView;
let bus;
// Handlers registered on the current socket, by delivery id. The client library forgets all handlers
// when its socket closes, so this is emptied on close and rebuilt on open.
const liveHandlers = new Map();
// Catch-up fetches in flight, so a burst of gap detections costs one request per delivery.
const tracksLoading = new Set();
// Gap catch-ups waiting for the store to record what was just published live (see catchUpSoon).
const catchUpsPending = new Set();
const STORE_LAG_MS = 1000;

// ---- Server reads -------------------------------------------------------------------------------

async function getJson(url) {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    throw new Error(`${url} answered ${response.status}`);
  }
  return response.json();
}

/**
 * Fetches a delivery's stored positions and merges them by seq. A 404 (unknown delivery, or a server
 * without the history endpoint) and network failures are silent: live positions still arrive.
 */
async function loadTrack(deliveryId) {
  let positions;
  try {
    const response = await fetch(`/api/deliveries/${encodeURIComponent(deliveryId)}/positions`,
      { headers: { accept: 'application/json' } });
    if (response.status !== 200) {
      return;
    }
    positions = await response.json();
  } catch {
    return;
  }
  if (!Array.isArray(positions) || positions.length === 0) {
    return;
  }
  const routeId = positions.find((p) => typeof p?.routeId === 'string')?.routeId;
  applyPositions(ensureDelivery(deliveryId, routeId), positions);
}

/**
 * A gap seen in live positions is filled from the store a moment later, not at once: the store records a
 * position shortly after it is published live, so an immediate fetch for a delivery joined just after its
 * start finds it not stored yet (a 404 the browser logs as a console error) and misses the very points
 * the gap is about. One pending fetch per delivery; it is skipped if live positions closed the gap meanwhile.
 */
function catchUpSoon(delivery) {
  if (catchUpsPending.has(delivery.id)) {
    return;
  }
  catchUpsPending.add(delivery.id);
  setTimeout(() => {
    catchUpsPending.delete(delivery.id);
    if (hasGap(delivery)) {
      catchUp(delivery);
    }
  }, Math.max(STORE_LAG_MS, state.intervalMs * 2));
}

/** loadTrack, at most once at a time per delivery. */
function catchUp(delivery) {
  if (tracksLoading.has(delivery.id)) {
    return Promise.resolve();
  }
  tracksLoading.add(delivery.id);
  return loadTrack(delivery.id).finally(() => tracksLoading.delete(delivery.id));
}

// ---- Deliveries ---------------------------------------------------------------------------------

function routeOf(delivery) {
  return delivery.routeId === null ? null : state.routes.get(delivery.routeId) ?? null;
}

/** The delivery with this id, created (list item, planned route) the first time it is heard of. */
function ensureDelivery(id, routeId) {
  let delivery = state.deliveries.get(id);
  if (!delivery) {
    delivery = createDelivery(id, routeId, colourFor(state.deliveries.size));
    state.deliveries.set(id, delivery);
    addDeliveryItem(delivery, toggleCamera);
  } else if (delivery.routeId === null && routeId) {
    delivery.routeId = routeId;
  }
  mapView.showPlan(delivery, routeOf(delivery));
  updateDeliveryItem(delivery, routeOf(delivery));
  return delivery;
}

/** Merges positions (live or fetched) and brings the map and the list up to date with them. */
function applyPositions(delivery, messages) {
  const wasFinished = delivery.finished;
  const before = latestPosition(delivery);
  if (mergePositions(delivery, messages) === 0) {
    return;
  }
  // The route may have become known through the positions themselves (a shared link).
  mapView.showPlan(delivery, routeOf(delivery));
  mapView.showTrail(delivery);
  const latest = latestPosition(delivery);
  if (latest !== before) {
    mapView.moveVehicle(delivery, latest, state.intervalMs);
    if (state.cameraDeliveryId === delivery.id) {
      mapView.panTo(latest, state.intervalMs);
    }
  }
  updateDeliveryItem(delivery, routeOf(delivery));

  if (!wasFinished && delivery.finished) {
    finish(delivery);
  }
  if (hasGap(delivery)) {
    // Missed positions (registered late, or a dropped socket): fetch the stored ones to fill the gap.
    catchUpSoon(delivery);
  }
}

function finish(delivery) {
  delivery.finished = true;
  updateDeliveryItem(delivery, routeOf(delivery));
  moveToRecent(delivery);
  stopListening(delivery);
  showNotice(`Delivery on ${titleOf(delivery, routeOf(delivery))} finished`);
}

function toggleCamera(deliveryId) {
  state.cameraDeliveryId = state.cameraDeliveryId === deliveryId ? null : deliveryId;
  markFollowed(state.cameraDeliveryId);
  const latest = state.cameraDeliveryId ? latestPosition(state.deliveries.get(deliveryId)) : null;
  if (latest) {
    mapView.panTo(latest, state.intervalMs);
  }
}

/** #/deliveries/<id>: show that delivery, fetch its history, then keep following it live. */
function openSharedDelivery() {
  const match = SHARE_LINK.exec(window.location.hash);
  if (!match) {
    return;
  }
  const id = decodeURIComponent(match[1]);
  if (!isDeliveryId(id)) {
    showNotice('That link does not name a delivery.', { error: true });
    return;
  }
  const delivery = ensureDelivery(id, null);
  listen(delivery);
  state.cameraDeliveryId = id;
  markFollowed(id);
  catchUp(delivery).then(() => mapView.frame(delivery));
}

// ---- Event bus ----------------------------------------------------------------------------------

function busIsOpen() {
  return bus && bus.state === EventBus.OPEN;
}

/** Follows delivery.<id> on the current socket; called again for every delivery after a reconnect. */
function listen(delivery) {
  if (delivery.finished || liveHandlers.has(delivery.id) || !busIsOpen()) {
    return;
  }
  const handler = (err, message) => {
    if (err) {
      showNotice(`Live updates for a delivery failed: ${err.message ?? 'unknown reason'}`, { error: true });
      return;
    }
    applyPositions(delivery, [message.body]);
  };
  liveHandlers.set(delivery.id, handler);
  bus.registerHandler(deliveryAddress(delivery.id), handler);
}

/** A finished delivery sends nothing more; freeing its registration keeps under the server's per-socket cap. */
function stopListening(delivery) {
  const handler = liveHandlers.get(delivery.id);
  liveHandlers.delete(delivery.id);
  if (handler && busIsOpen()) {
    bus.unregisterHandler(deliveryAddress(delivery.id), handler);
  }
}

function onUpdate(err, message) {
  if (err) {
    return;
  }
  const update = message.body;
  if (!update || !isDeliveryId(update.deliveryId)) {
    return;
  }
  if (update.type === 'started') {
    // Someone (maybe another user) started a delivery: show it and follow it live.
    listen(ensureDelivery(update.deliveryId, update.routeId));
  } else if (update.type === 'finished') {
    const delivery = state.deliveries.get(update.deliveryId);
    if (delivery && !delivery.finished) {
      // The final position normally arrives on its own address; if it was missed, fetch it, and if
      // that cannot help either, still settle the delivery rather than leave it "active" forever.
      setTimeout(() => {
        if (!delivery.finished) {
          catchUp(delivery).then(() => delivery.finished || finish(delivery));
        }
      }, state.intervalMs * 2);
    }
  }
}

/** Words for the bridge's terse error codes (it answers a refused frame with e.g. body "rejected"). */
function describeBusError(err) {
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

function connect() {
  bus = new EventBus('/eventbus');
  bus.enableReconnect(true);

  bus.onopen = () => {
    state.connection = 'live';
    setConnection('live');
    liveHandlers.clear();
    bus.registerHandler(UPDATES_ADDRESS, onUpdate);
    const reconnected = state.everConnected;
    state.everConnected = true;
    for (const delivery of state.deliveries.values()) {
      if (!delivery.finished) {
        listen(delivery);
        // Positions sent while the socket was down are only in the store: fetch them.
        if (reconnected) {
          catchUp(delivery);
        }
      }
    }
  };

  bus.onclose = () => {
    liveHandlers.clear();
    // The client retries on its own (enableReconnect) unless the browser itself has no network.
    state.connection = navigator.onLine ? 'reconnecting' : 'offline';
    setConnection(state.connection);
  };

  bus.onerror = (err) => showNotice(describeBusError(err), { error: true });
}

function startDelivery(routeId) {
  if (!busIsOpen()) {
    showNotice('Not connected to the server; try again once the connection shows live.', { error: true });
    return;
  }
  bus.send(START_ADDRESS, { routeId }, {}, (err, reply) => {
    if (err) {
      showNotice(`Could not start the delivery: ${err.message ?? 'unknown reason'}`, { error: true });
      return;
    }
    const deliveryId = reply?.body?.deliveryId;
    if (isDeliveryId(deliveryId)) {
      listen(ensureDelivery(deliveryId, routeId));
    }
  });
}

// ---- Start-up -----------------------------------------------------------------------------------

async function loadRoutes() {
  try {
    const routes = await getJson('/api/routes');
    for (const route of routes) {
      state.routes.set(route.id, { ...route, cumulative: cumulativeMetres(route.points) });
    }
    renderRoutes(routes, startDelivery);
  } catch {
    routesUnavailable();
    showNotice('Routes could not be loaded; reload the page to try again.', { error: true });
  }
}

async function main() {
  let config = { tilesUrl: '', intervalMs: state.intervalMs };
  try {
    config = await getJson('/api/config');
  } catch {
    showNotice('Settings could not be loaded; the map runs without tiles.', { error: true });
  }
  if (Number.isFinite(config.intervalMs) && config.intervalMs > 0) {
    state.intervalMs = config.intervalMs;
  }
  mapView = new MapView(document.getElementById('map'), config.tilesUrl, showTilesNote);

  // Routes first, so deliveries opened from a link get their title and planned line right away.
  await loadRoutes();
  connect();
  openSharedDelivery();
  window.addEventListener('hashchange', openSharedDelivery);
  window.addEventListener('online', () => {
    if (state.connection === 'offline') {
      state.connection = 'reconnecting';
      setConnection('reconnecting');
    }
  });
}

main();
