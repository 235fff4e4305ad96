// Code Delivery driver page, entry point: a phone's browser as a tracker. Reads the page's settings, wires the
// parts to the DOM and the browser's sensors. The rules live in driver-fix.js (ids, fixes, texts),
// driver-queue.js (the outbox), driver-delivery.js (when to read the delivery), driver-api.js (every server
// call) and driver-map.js (the small map).

import { createDriverApi } from './driver-api.js';
import { DeliveryWatch } from './driver-delivery.js';
import {
  deviceIdFrom, deviceIdFromHash, distanceText, driverLinkTo, fixFromPosition, ingestUrlFrom, isNewFix, locationProblem,
} from './driver-fix.js';
import { DriverMap } from './driver-map.js';
import { FixQueue, outboxStatus } from './driver-queue.js';
import { formatClock } from './format.js';

const DEVICE_KEY = 'codeDelivery.driver.deviceId';
const INGEST_URL_KEY = 'codeDelivery.driver.ingestUrl';
const SHARING_KEY = 'codeDelivery.driver.sharing';
const WATCH_OPTIONS = { enableHighAccuracy: true, maximumAge: 0, timeout: 30_000 };

const $ = (id) => document.getElementById(id);
const storage = webStorage();
const api = createDriverApi();

const page = {
  deviceId: null,
  ingestUrl: storage?.getItem(INGEST_URL_KEY) ?? null,
  tilesUrl: '',
  watchId: null,
  lastFix: null,
  battery: null,
  wakeLock: null,
  delivery: null,
  deliveryWatch: null,
  map: null,
};

const queue = new FixQueue({
  post: postFix,
  storage,
  onChange: showOutbox,
  onSent: () => page.deliveryWatch?.nudge(),
});

/** Local storage when the browser lets the page use it (not in some private modes), else null. */
function webStorage() {
  try {
    const probe = window.localStorage;
    probe.getItem(DEVICE_KEY);
    return probe;
  } catch {
    return null;
  }
}

function remember(key, value) {
  try {
    storage?.setItem(key, value);
  } catch {
    // Full or forbidden: the page still works, it only forgets on reload.
  }
}

async function loadSettings() {
  const config = await api.config();
  if (config) {
    page.tilesUrl = config.tilesUrl ?? '';
    page.ingestUrl = ingestUrlFrom(config, window.location) ?? page.ingestUrl;
    if (page.ingestUrl) {
      remember(INGEST_URL_KEY, page.ingestUrl);
    }
  }
  return config !== null;
}

async function postFix(fix) {
  if (!page.ingestUrl && !(await loadSettings())) {
    return { status: 0, reason: 'the server could not be reached for its settings' };
  }
  return page.ingestUrl ? api.postFix(page.ingestUrl, fix) : { status: 0, reason: 'no ingestion address is known' };
}

// ---- device ----

function useDevice(deviceId) {
  if (deviceId === page.deviceId) {
    return;
  }
  page.deviceId = deviceId;
  $('device-id').value = deviceId;
  remember(DEVICE_KEY, deviceId);
  if (deviceIdFromHash(window.location.hash) !== deviceId) {
    history.replaceState(null, '', driverLinkTo(deviceId));
  }
  showMessage('device-message', `Fixes are sent as device ${deviceId}.`);
  page.deliveryWatch?.stop();
  showDelivery({ state: 'loading' });
  page.deliveryWatch = new DeliveryWatch({ load: () => api.activeDelivery(deviceId), onResult: showDelivery });
  page.deliveryWatch.start();
}

$('device-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const deviceId = deviceIdFrom($('device-id').value);
  if (deviceId === null) {
    showMessage('device-message', 'A device id is 1 to 64 letters, digits or . _ : @ - (as registered by the operator).', true);
    return;
  }
  useDevice(deviceId);
});

// ---- location ----

async function startSharing() {
  if (!window.isSecureContext) {
    showLocation('Location needs a secure page: open it over https:// (or on localhost).', true);
    return;
  }
  if (!('geolocation' in navigator)) {
    showLocation('This browser cannot share its location.', true);
    return;
  }
  if (!page.deviceId) {
    showMessage('device-message', 'Enter the device id first.', true);
    $('device-id').focus();
    return;
  }
  if (page.watchId !== null) {
    return;
  }
  showLocation('Waiting for the first location…');
  page.watchId = navigator.geolocation.watchPosition(onPosition, onLocationError, WATCH_OPTIONS);
  remember(SHARING_KEY, 'on');
  $('start-tracking').hidden = true;
  $('stop-tracking').hidden = false;
  await keepScreenOn();
}

function stopSharing(text = 'Location is not being shared.', problem = false) {
  if (page.watchId !== null) {
    navigator.geolocation.clearWatch(page.watchId);
    page.watchId = null;
  }
  remember(SHARING_KEY, 'off');
  page.wakeLock?.release().catch(() => {});
  page.wakeLock = null;
  $('start-tracking').hidden = false;
  $('stop-tracking').hidden = true;
  showLocation(text, problem);
}

function onPosition(position) {
  const fix = fixFromPosition(page.deviceId, position, page.battery, Date.now());
  if (fix === null) {
    return;
  }
  // Any reading means the location is back, also one too soon after the last fix to be sent: a problem shown
  // before it (a lost GPS signal) must not stay on screen while the page is sharing again.
  showLocation(`Sharing location (±${Math.round(fix.accuracy ?? 0)} m).`);
  if (!isNewFix(page.lastFix, fix)) {
    return;
  }
  page.lastFix = fix;
  queue.add(fix);
  $('last-fix').textContent = formatClock(fix.timestamp);
  page.map?.showMe(fix);
  showDistance();
}

function onLocationError(error) {
  const problem = locationProblem(error);
  if (problem.fatal) {
    stopSharing(problem.text, true);
  } else {
    showLocation(problem.text, true);
  }
}

/** Browsers stop watching the position when the screen goes off; a wake lock keeps it on while sharing. */
async function keepScreenOn() {
  if (!('wakeLock' in navigator) || page.watchId === null || document.visibilityState !== 'visible') {
    return;
  }
  try {
    page.wakeLock = await navigator.wakeLock.request('screen');
  } catch {
    // Refused (battery saver): sharing goes on while the driver keeps the page open.
  }
}

async function watchBattery() {
  try {
    const battery = await navigator.getBattery?.();
    if (battery) {
      page.battery = battery.level;
      battery.addEventListener('levelchange', () => { page.battery = battery.level; });
    }
  } catch {
    // No Battery Status API (Safari, Firefox): fixes go without batt.
  }
}

/** Sharing resumes after a reload when the driver had it on and the browser already allows it (no prompt). */
async function resumeSharing() {
  if (storage?.getItem(SHARING_KEY) !== 'on' || !page.deviceId || !navigator.permissions) {
    return;
  }
  try {
    const permission = await navigator.permissions.query({ name: 'geolocation' });
    if (permission.state === 'granted') {
      await startSharing();
    }
  } catch {
    // Permissions API without geolocation: the driver presses Start.
  }
}

$('start-tracking').addEventListener('click', startSharing);
$('stop-tracking').addEventListener('click', () => stopSharing());

// ---- outbox ----

function showOutbox(snapshot = queue.snapshot()) {
  $('queue-length').textContent = String(snapshot.length);
  $('last-sent').textContent = snapshot.lastSentAt === null ? 'never' : formatClock(snapshot.lastSentAt);
  const status = outboxStatus(snapshot, navigator.onLine, Date.now());
  const badge = $('connection-state');
  // Rewritten only when it changes: the badge sits in a live region, and a rewrite would be read out again.
  if (badge.textContent !== status.text) {
    badge.textContent = status.text;
  }
  badge.className = `pill ${status.tone}`;

  let problem = '';
  if (snapshot.stopped) {
    problem = `The server refused a fix (${snapshot.stopped.status}): ${snapshot.stopped.reason}. Sending is paused.`;
  } else if (snapshot.state === 'waiting' && snapshot.lastError) {
    problem = `Not sent: ${snapshot.lastError}. Fixes are kept and sent when the connection is back.`;
  }
  if (snapshot.dropped > 0) {
    problem += ` ${snapshot.dropped} oldest fixes were dropped (too many waiting).`;
  }
  if (!snapshot.persisted && snapshot.length > 0) {
    problem += ' This browser does not keep waiting fixes across a reload: keep the page open.';
  }
  $('send-problem').textContent = problem.trim();
  $('send-problem').hidden = problem === '';
  $('retry-sending').hidden = !(snapshot.stopped || snapshot.state === 'waiting');
  $('discard-queue').hidden = !snapshot.stopped;
}

$('retry-sending').addEventListener('click', () => queue.retryNow());
$('discard-queue').addEventListener('click', () => queue.discardAll());
window.addEventListener('online', () => queue.retryNow());
window.addEventListener('offline', () => showOutbox());
// The "retrying in n s" countdown.
setInterval(() => {
  if (queue.snapshot().state === 'waiting') {
    showOutbox();
  }
}, 1_000);

// ---- delivery ----

function showDelivery(result) {
  const status = $('delivery-status');
  if (result.state === 'loading') {
    status.textContent = 'Looking for this device\'s delivery…';
    return;
  }
  if (result.state === 'unknown') {
    status.textContent = page.delivery
      ? 'Could not check the delivery just now; showing the last known one.'
      : 'Could not check for a delivery just now; trying again.';
    return;
  }
  if (result.state === 'none') {
    page.delivery = null;
    status.textContent = 'No active delivery for this device.';
    $('delivery-details').hidden = true;
    page.map?.showDestination(null, null);
    return;
  }
  const delivery = result.delivery;
  const isNew = page.delivery?.deliveryId !== delivery.deliveryId;
  page.delivery = delivery;
  status.textContent = `Delivery ${delivery.status === 'assigned' ? 'assigned' : 'on the way'}.`;
  $('delivery-reference').textContent = delivery.reference ? `Order ${delivery.reference}` : '';
  $('delivery-customer').textContent = delivery.customer?.name ? `For ${delivery.customer.name}` : '';
  $('delivery-destination').textContent = `${delivery.destination.lat.toFixed(5)}, ${delivery.destination.lon.toFixed(5)}`;
  $('delivery-details').hidden = false;
  if (isNew) {
    $('delivered-result').hidden = true;
    showConfirm(false);
  }
  if (!page.map) {
    page.map = new DriverMap($('driver-map'), page.tilesUrl);
    if (page.lastFix) {
      page.map.showMe(page.lastFix);
    }
  }
  page.map.showDestination(delivery.deliveryId, delivery.destination);
  if (isNew) {
    page.map.resize();
  }
  showDistance();
}

function showDistance() {
  $('delivery-distance').textContent = page.delivery ? distanceText(page.lastFix, page.delivery.destination) : '';
}

/**
 * Opens or closes the second step of "Delivered". The focus goes with it, as with a dialog: into the question when it
 * opens (read out, then the two answers; not onto "Yes", so a key pressed twice ends nothing) and back to "Delivered"
 * when it closes, unless the caller says where it goes instead.
 */
function showConfirm(asking, { returnFocus = true } = {}) {
  const wasAsking = !$('confirm-delivered-box').hidden;
  $('delivered').hidden = asking;
  $('confirm-delivered-box').hidden = !asking;
  if (asking && !wasAsking) {
    $('confirm-question').focus();
  } else if (!asking && wasAsking && returnFocus) {
    $('delivered').focus();
  }
}

async function markDelivered() {
  const delivery = page.delivery;
  if (!delivery) {
    return;
  }
  $('confirm-delivered').disabled = true;
  const result = await api.complete(delivery.deliveryId);
  $('confirm-delivered').disabled = false;
  const text = result.ok
    ? `Marked delivered at ${formatClock(Date.now())}${delivery.reference ? ` (order ${delivery.reference})` : ''}.`
    : `Not marked delivered: ${result.reason}`;
  showMessage('delivered-result', text, !result.ok);
  // Marked: "Delivered" is about to go with the delivery, so the focus goes to what happened. Not marked: back to
  // "Delivered", to try again.
  showConfirm(false, { returnFocus: !result.ok });
  if (result.ok) {
    $('delivered-result').focus();
  }
  if (result.ok) {
    page.deliveryWatch?.poll();
  }
}

// A two-step press: a "Delivered" pressed by a pocket or a bump ends nobody's delivery.
$('delivered').addEventListener('click', () => showConfirm(true));
$('cancel-delivered').addEventListener('click', () => showConfirm(false));
$('confirm-delivered').addEventListener('click', markDelivered);

// ---- texts ----

function showMessage(id, text, problem = false) {
  const element = $(id);
  element.textContent = text;
  element.hidden = text === '';
  element.classList.toggle('problem', problem);
}

function showLocation(text, problem = false) {
  showMessage('location-status', text, problem);
}

// ---- start ----

async function main() {
  showOutbox();
  await loadSettings();
  const deviceId = deviceIdFromHash(window.location.hash) ?? deviceIdFrom(storage?.getItem(DEVICE_KEY));
  if (deviceId) {
    useDevice(deviceId);
  } else {
    $('device-id').focus();
  }
  window.addEventListener('hashchange', () => {
    const linked = deviceIdFromHash(window.location.hash);
    if (linked) {
      useDevice(linked);
    }
  });
  document.addEventListener('visibilitychange', keepScreenOn);
  watchBattery();
  queue.pump();
  await resumeSharing();
}

main();
