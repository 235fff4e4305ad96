// Code Delivery map page: wires the server (REST + SockJS event bus) to the map and the side panel.
// SockJS, EventBus and Leaflet (L) are globals from the classic scripts loaded before this module.

import {
  colourFor, createDelivery, cumulativeMetres, firstMissingSeq, hasGap, isDeliveryId, latestPosition,
  mergePositions, remainingPoints,
} from './deliveries.js';
import { MapView } from './map-view.js';
import {
  addDeliveryItem, focusDeliveryItem, markSelected, moveToRecent, renderRoutes, routesUnavailable,
  setConnection, showNotice, showTilesNote, titleOf, updateDeliveryItem,
} from './panel.js';
import { Replay } from './replay.js';

const UPDATES_ADDRESS = 'deliveries.updates';
const START_ADDRESS = 'deliveries.start';
const deliveryAddress = (id) => `delivery.${id}`;
const SHARE_LINK = /^#\/deliveries\/([^/]+)$/;
// Deliveries listed per page of GET /api/deliveries, and how many pages of active ones to read at most.
const PAGE_LIMIT = 100;
const MAX_ACTIVE_PAGES = 5;
// Finished deliveries shown under Recent when the page opens.
const RECENT_ON_LOAD = 10;

const state = {
  deliveries: new Map(), // deliveryId -> delivery (see createDelivery)
  routes: new Map(), // routeId -> route from /api/routes, plus its cumulative distances
  connection: 'offline',
  cameraDeliveryId: null, // the delivery the camera pans with, if any
  intervalMs: 500,
  everConnected: false,
  recentLoaded: false, // the finished deliveries for Recent are read once, on the first connection
};

// For automated browser tests and for poking around in dev tools.
window.codeDelivery = {
  deliveries: state.deliveries,
  routes: state.routes,
  get connection() {
    return state.connection;
  },
  /** {deliveryId, index, count, playing, speed, done, clockMs, durationMs, position} or null. */
  get replay() {
    return replay ? replay.state() : null;
  },
};

let mapView;
let replay;
let bus;
// Handlers registered on the current socket, by delivery id. The client library forgets all handlers
// when its socket closes, so this is emptied on close and rebuilt on open.
const liveHandlers = new Map();
// Catch-up fetches in flight (their promises), so a burst of gap detections costs one request per delivery.
const tracksLoading = new Map();
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
async function loadTrack(deliveryId, fromSeq = 0) {
  let positions;
  try {
    const query = fromSeq > 0 ? `?fromSeq=${fromSeq}` : '';
    const response = await fetch(`/api/deliveries/${encodeURIComponent(deliveryId)}/positions${query}`,
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

/**
 * loadTrack from the first seq this page is missing, at most once at a time per delivery: the stored
 * positions from there on are merged by seq, so overlap with live ones is dropped and holes are filled.
 * A caller arriving while a fetch is in flight waits for that fetch rather than starting another.
 */
function catchUp(delivery) {
  const inFlight = tracksLoading.get(delivery.id);
  if (inFlight) {
    return inFlight;
  }
  const loading = loadTrack(delivery.id, firstMissingSeq(delivery)).finally(() => tracksLoading.delete(delivery.id));
  tracksLoading.set(delivery.id, loading);
  return loading;
}

/** One page of GET /api/deliveries, or null when it cannot be read (the lists stay as they are). */
async function listDeliveries(params) {
  try {
    const page = await getJson(`/api/deliveries?${new URLSearchParams(params)}`);
    return Array.isArray(page?.items) ? page : null;
  } catch {
    return null;
  }
}

/** Every delivery with this status, newest first, up to a few pages. */
async function listAll(status) {
  const items = [];
  let after = null;
  for (let page = 0; page < MAX_ACTIVE_PAGES; page++) {
    const params = { status, limit: String(PAGE_LIMIT) };
    if (after) {
      params.after = after;
    }
    const result = await listDeliveries(params);
    if (!result) {
      return page === 0 ? null : items;
    }
    items.push(...result.items.filter((item) => isDeliveryId(item?.deliveryId)));
    after = result.next;
    if (!after) {
      break;
    }
  }
  return items;
}

// ---- Deliveries ---------------------------------------------------------------------------------

function routeOf(delivery) {
  return delivery.routeId === null ? null : state.routes.get(delivery.routeId) ?? null;
}

/**
 * The delivery with this id, created (list item, planned route) the first time it is heard of. A delivery
 * known only as finished history (Recent on load) gets its list item but is drawn once it is replayed.
 */
function ensureDelivery(id, routeId, { finished = false } = {}) {
  let delivery = state.deliveries.get(id);
  if (!delivery) {
    delivery = createDelivery(id, routeId, colourFor(state.deliveries.size));
    delivery.finished = finished;
    state.deliveries.set(id, delivery);
    addDeliveryItem(delivery, selectDelivery, { list: finished ? 'recent' : 'active' });
  } else if (delivery.routeId === null && routeId) {
    delivery.routeId = routeId;
  }
  if (!delivery.finished || delivery.positions.length > 0) {
    mapView.showPlan(delivery, routeOf(delivery));
  }
  refreshEta(delivery);
  updateDeliveryItem(delivery, routeOf(delivery));
  return delivery;
}

/** A delivery summary from GET /api/deliveries, as the page's delivery. */
function ensureFromSummary(summary) {
  const finished = summary.status === 'finished';
  const known = state.deliveries.has(summary.deliveryId);
  const delivery = ensureDelivery(summary.deliveryId, typeof summary.routeId === 'string' ? summary.routeId : null,
    { finished });
  if (Number.isInteger(summary.pointCount) && summary.pointCount > 0) {
    delivery.pointCount = summary.pointCount;
  }
  if (!finished && !known) {
    delivery.seenLive = true;
  }
  refreshEta(delivery);
  updateDeliveryItem(delivery, routeOf(delivery));
  return delivery;
}

/** Expected arrival: the points still to drive, one interval each, from now (the latest position). */
function refreshEta(delivery) {
  const left = remainingPoints(delivery, routeOf(delivery));
  delivery.etaAt = delivery.finished || left === null ? null : Date.now() + left * state.intervalMs;
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
  if (replay.deliveryId !== delivery.id) {
    mapView.showTrail(delivery);
  }
  const latest = latestPosition(delivery);
  if (latest !== before) {
    if (replay.deliveryId !== delivery.id) {
      mapView.moveVehicle(delivery, latest, state.intervalMs);
    }
    if (state.cameraDeliveryId === delivery.id) {
      mapView.panTo(latest, state.intervalMs);
    }
    refreshEta(delivery);
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

/** Arrived: moves to Recent. Only a delivery this page saw on the road gets a "finished" notice. */
function finish(delivery) {
  delivery.finished = true;
  refreshEta(delivery);
  updateDeliveryItem(delivery, routeOf(delivery));
  moveToRecent(delivery);
  stopListening(delivery);
  if (state.cameraDeliveryId === delivery.id) {
    state.cameraDeliveryId = null;
    markSelected(null, replay.deliveryId);
  }
  if (delivery.seenLive) {
    showNotice(`Delivery on ${titleOf(delivery, routeOf(delivery))} finished`);
  }
}

/** A click on a list item: follow an active delivery with the camera, replay a finished one. */
function selectDelivery(deliveryId) {
  const delivery = state.deliveries.get(deliveryId);
  if (!delivery) {
    return;
  }
  if (delivery.finished) {
    if (replay.deliveryId === deliveryId) {
      replay.stop();
    } else {
      openReplay(delivery);
    }
    return;
  }
  toggleCamera(deliveryId);
}

function toggleCamera(deliveryId) {
  state.cameraDeliveryId = state.cameraDeliveryId === deliveryId ? null : deliveryId;
  markSelected(state.cameraDeliveryId, replay.deliveryId);
  const latest = state.cameraDeliveryId ? latestPosition(state.deliveries.get(deliveryId)) : null;
  if (latest) {
    mapView.panTo(latest, state.intervalMs);
  }
}

/** Loads the stored track if it is not held whole yet, then shows the replay controls at its start. */
async function openReplay(delivery) {
  if (!delivery.finished) {
    return;
  }
  if (delivery.positions.length === 0 || hasGap(delivery) || !latestPosition(delivery).finished) {
    await catchUp(delivery);
  }
  if (delivery.positions.length === 0) {
    showNotice(`No stored track to replay for the delivery on ${titleOf(delivery, routeOf(delivery))}.`, { error: true });
    return;
  }
  mapView.showPlan(delivery, routeOf(delivery));
  state.cameraDeliveryId = null;
  replay.open(delivery, titleOf(delivery, routeOf(delivery)));
  markSelected(state.cameraDeliveryId, delivery.id);
}

function onReplayClosed(deliveryId) {
  markSelected(state.cameraDeliveryId, null);
  focusDeliveryItem(deliveryId);
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
  const known = state.deliveries.get(id);
  if (known && known.finished) {
    openReplay(known);
    return;
  }
  const delivery = ensureDelivery(id, null);
  listen(delivery);
  state.cameraDeliveryId = id;
  markSelected(id, replay.deliveryId);
  catchUp(delivery).then(() => {
    if (delivery.finished) {
      // A link to a delivery that has already arrived: its replay is what there is to see.
      openReplay(delivery);
    } else {
      mapView.frame(delivery);
    }
  });
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
    delivery.seenLive = true;
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
    const delivery = ensureDelivery(update.deliveryId, update.routeId);
    delivery.seenLive = !delivery.finished;
    listen(delivery);
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
        // Positions sent while the socket was down are only in the store: fetch them (from the first
        // missing seq; what also arrives live meanwhile is merged by seq, so no duplicate and no gap).
        if (reconnected) {
          catchUp(delivery);
        }
      }
    }
    // Handlers first, then the lists: a delivery starting in between is seen by one or the other (or both,
    // and ensureDelivery makes that one delivery).
    syncFromServer(reconnected);
  };

  bus.onclose = () => {
    liveHandlers.clear();
    // The client retries on its own (enableReconnect) unless the browser itself has no network.
    state.connection = navigator.onLine ? 'reconnecting' : 'offline';
    setConnection(state.connection);
  };

  bus.onerror = (err) => showNotice(describeBusError(err), { error: true });
}

/**
 * Reads the deliveries on the road now (from every user) and shows and follows each, with its stored
 * track; on the first connection also the latest finished ones for Recent. After a reconnect, a delivery
 * this page still shows as active but the server lists as finished arrived while the page was away.
 */
async function syncFromServer(reconnected) {
  const [inTransit, started] = await Promise.all([listAll('in-transit'), listAll('started')]);
  if (inTransit === null || started === null) {
    showNotice('Deliveries on the road could not be listed; new ones still appear live.', { error: true });
  }
  const active = [...(inTransit ?? []), ...(started ?? [])]
    .sort((a, b) => String(a.startedAt).localeCompare(String(b.startedAt)));
  // Oldest first, so the list reads in the order the deliveries set off, as live additions do.
  for (const summary of active) {
    const delivery = ensureFromSummary(summary);
    if (!delivery.finished) {
      listen(delivery);
      if (summary.status === 'in-transit' || Number.isInteger(summary.lastSeq)) {
        catchUp(delivery);
      }
    }
  }

  if (!state.recentLoaded) {
    const recent = await listDeliveries({ status: 'finished', limit: String(RECENT_ON_LOAD) });
    if (recent) {
      state.recentLoaded = true;
      for (const summary of recent.items) {
        if (isDeliveryId(summary?.deliveryId) && !state.deliveries.has(summary.deliveryId)) {
          ensureFromSummary(summary);
        }
      }
    }
  }

  if (reconnected) {
    const listedActive = new Set(active.map((summary) => summary.deliveryId));
    const missing = [...state.deliveries.values()].filter((d) => !d.finished && !listedActive.has(d.id));
    if (missing.length > 0) {
      const finished = await listDeliveries({ status: 'finished', limit: String(PAGE_LIMIT) });
      const finishedIds = new Set((finished?.items ?? []).map((summary) => summary.deliveryId));
      for (const delivery of missing) {
        if (finishedIds.has(delivery.id)) {
          catchUp(delivery).then(() => delivery.finished || finish(delivery));
        }
      }
    }
  }
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
      const delivery = ensureDelivery(deliveryId, routeId);
      delivery.seenLive = !delivery.finished;
      listen(delivery);
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
  replay = new Replay(mapView, { intervalMs: state.intervalMs, onClose: onReplayClosed });

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
