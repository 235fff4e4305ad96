// Orchestration with stand-ins for the server, the live feed and the views: what the page fetches and follows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createState, setRoutes } from '../../../webroot/state.js';
import { Tracker } from '../../../webroot/tracker.js';

const ID = '3f2b8c1e-6a4d-4e9b-9c1a-0d2e4f6a8b10';
const ROUTE = { id: '1', title: 'Downtown', lengthMetres: 1000, points: Array.from({ length: 10 }, (_, i) => ({ lat: 0, lon: i / 1000 })) };
const position = (seq) => ({ deliveryId: ID, routeId: '1', seq, position: ROUTE.points[seq], finished: seq === 9 });

function page({
  stored = [], stateOfDelivery = null, controls, renewed = { status: 200, body: { trackingUrl: '/track/new' } },
  startAnswer = { status: 202, body: { deliveryId: ID, trackingUrl: '/track/t' } },
  listPage = async () => ({ items: [] }),
} = {}) {
  const fetches = [];
  const deliveryReads = [];
  const routesDrawn = [];
  const notices = [];
  const followed = new Map();
  const api = {
    positions: async (id, fromSeq) => {
      fetches.push(fromSeq);
      await null;
      return stored.filter((p) => p.seq >= fromSeq);
    },
    listAll: async () => [],
    listPage,
    routes: async () => [ROUTE],
    delivery: async (id) => {
      deliveryReads.push(id);
      return stateOfDelivery;
    },
    renewTrackingLink: async () => renewed,
    startDelivery: async () => startAnswer,
  };
  const feed = {
    isOpen: () => true,
    follow: (id, onPosition) => followed.set(id, onPosition),
    unfollow: (id) => followed.delete(id),
  };
  const ignore = () => {};
  const mapView = new Proxy({}, { get: () => ignore });
  const panel = new Proxy({
    showNotice: (text) => notices.push(text),
    renderRoutes: (routes, onStart) => routesDrawn.push({ routes, onStart }),
  }, { get: (target, name) => target[name] ?? ignore });
  const state = createState();
  setRoutes(state, [ROUTE]);
  const tracker = new Tracker({ state, api, feed, mapView, replay: { deliveryId: null }, panel, controls });
  return { tracker, state, fetches, notices, followed, deliveryReads, routesDrawn };
}

const seqsHeld = (state) => state.deliveries.get(ID).positions.map((p) => p.seq);

test('a share link fetches the stored track from seq 0 and follows the delivery live, merged by seq', async () => {
  const { tracker, state, fetches, followed } = page({ stored: [0, 1, 2, 3].map(position) });
  tracker.openFromHash(`#/deliveries/${ID}`);
  followed.get(ID)(position(3)); // live, overlapping the stored track
  await tracker.catchUp(state.deliveries.get(ID));
  followed.get(ID)(position(4));
  assert.deepEqual(fetches, [0]);
  assert.deepEqual(seqsHeld(state), [0, 1, 2, 3, 4]);
  assert.equal(state.cameraDeliveryId, ID, 'the camera follows a shared delivery');
});

test('catch-ups asked for while one is in flight share it; the next starts at the first missing seq', async () => {
  const { tracker, state, fetches } = page({ stored: [0, 1, 2, 3, 4, 5].map(position) });
  const delivery = tracker.ensure(ID, '1');
  tracker.applyPositions(delivery, [position(0), position(1)]);
  const first = tracker.catchUp(delivery);
  assert.equal(tracker.catchUp(delivery), first);
  await first;
  assert.deepEqual(fetches, [2]);
  assert.deepEqual(seqsHeld(state), [0, 1, 2, 3, 4, 5]);
});

test('after a reconnect the followed delivery is registered again and caught up from its first missing seq', async () => {
  const { tracker, state, fetches, followed } = page({ stored: [0, 1, 2, 3, 4, 5, 6].map(position) });
  tracker.onOpen();
  tracker.ensure(ID, '1');
  tracker.select(ID);
  await tracker.catchUp(state.deliveries.get(ID));
  fetches.length = 0;
  state.deliveries.get(ID).positions.length = 0;
  followed.get(ID)(position(0));
  followed.get(ID)(position(1));
  globalThis.navigator ??= { onLine: true };
  followed.clear();
  tracker.onClose();
  assert.equal(state.connection, 'reconnecting');
  tracker.onOpen();
  assert.ok(followed.has(ID), 'followed again on the new socket');
  await tracker.catchUp(state.deliveries.get(ID));
  assert.deepEqual(fetches, [2]);
  assert.deepEqual(seqsHeld(state), [0, 1, 2, 3, 4, 5, 6]);
});

test('the last position finishes the delivery: no longer followed, and no notice of its own (the delivered event is the news)', () => {
  const { tracker, state, notices, followed } = page();
  tracker.ensure(ID, '1');
  tracker.select(ID);
  tracker.applyPositions(state.deliveries.get(ID), ROUTE.points.map((_, seq) => position(seq)));
  assert.equal(state.deliveries.get(ID).finished, true);
  assert.equal(followed.has(ID), false);
  assert.deepEqual(notices, []);
});

test('routes get Start buttons only for a user who may start deliveries', async () => {
  const dispatcher = page({ controls: { start: true } });
  await dispatcher.tracker.loadRoutes();
  assert.equal(typeof dispatcher.routesDrawn[0].onStart, 'function');
  const viewer = page({ controls: { start: false } });
  await viewer.tracker.loadRoutes();
  assert.deepEqual(viewer.routesDrawn[0].routes, [ROUTE], 'a viewer still sees the routes');
  assert.equal(viewer.routesDrawn[0].onStart, null, 'but no Start button');
});

test('a delivery listed with its tracking link copies that one, without asking the server again', async () => {
  const { tracker, deliveryReads } = page();
  tracker.ensureFromSummary({ deliveryId: ID, routeId: '1', status: 'in-transit', trackingUrl: '/track/listed' });
  assert.equal(await tracker.trackingUrlOf(ID), '/track/listed');
  assert.deepEqual(deliveryReads, []);
});

test('a delivery heard of live gets its tracking link from the server when first asked, then keeps it', async () => {
  const { tracker, deliveryReads } = page({ stateOfDelivery: { deliveryId: ID, trackingUrl: '/track/read' } });
  tracker.ensure(ID, '1');
  assert.equal(await tracker.trackingUrlOf(ID), '/track/read');
  assert.equal(await tracker.trackingUrlOf(ID), '/track/read');
  assert.deepEqual(deliveryReads, [ID]);
});

test('no tracking link while the server does not know the delivery yet (asked again next time)', async () => {
  const { tracker, deliveryReads } = page({ stateOfDelivery: null });
  tracker.ensure(ID, '1');
  assert.equal(await tracker.trackingUrlOf(ID), null);
  assert.equal(await tracker.trackingUrlOf(ID), null);
  assert.equal(deliveryReads.length, 2);
  assert.equal(await tracker.trackingUrlOf('not-shown'), null, 'nor for a delivery the page does not show');
});

test('a new customer link replaces the old one, which is then never copied again', async () => {
  const { tracker } = page();
  tracker.ensureFromSummary({ deliveryId: ID, routeId: '1', status: 'in-transit', trackingUrl: '/track/old' });
  assert.equal(await tracker.renewTrackingLink(ID), null);
  assert.equal(await tracker.trackingUrlOf(ID), '/track/new');
});

test('a refused new link keeps the old one and says why, in the server\'s words', async () => {
  const { tracker } = page({ renewed: { status: 403, body: { error: 'forbidden', message: 'your roles do not allow it' } } });
  tracker.ensureFromSummary({ deliveryId: ID, routeId: '1', status: 'in-transit', trackingUrl: '/track/old' });
  assert.equal(await tracker.renewTrackingLink(ID), 'Your roles do not allow it.');
  assert.equal(await tracker.trackingUrlOf(ID), '/track/old');
});

const OTHER = '9a8b7c6d-1111-4222-8333-444455556666';

test('a fleet-feed batch shows every delivery in it without registering or fetching anything per delivery', () => {
  const { tracker, state, fetches, followed } = page();
  tracker.onFleet({ deliveries: [position(3), { ...position(5), deliveryId: OTHER }, { deliveryId: 'not an id', seq: 1 }] });
  assert.deepEqual([...state.deliveries.keys()], [ID, OTHER]);
  assert.deepEqual(seqsHeld(state), [3]);
  assert.equal(followed.size, 0, 'no per-delivery registration');
  assert.deepEqual(fetches, [], 'no track read for a delivery nobody follows');
});

test('following one delivery registers its own address and reads its track; following another frees the first', async () => {
  const { tracker, state, fetches, followed } = page({ stored: [0, 1, 2, 3].map(position) });
  tracker.onFleet({ deliveries: [position(3), { ...position(5), deliveryId: OTHER }] });
  tracker.select(ID);
  await tracker.catchUp(state.deliveries.get(ID));
  assert.deepEqual([...followed.keys()], [ID]);
  assert.deepEqual(fetches, [0]);
  assert.deepEqual(seqsHeld(state), [0, 1, 2, 3]);
  tracker.select(OTHER);
  assert.deepEqual([...followed.keys()], [OTHER]);
});

test('Start goes over REST whatever the live connection does, and a refusal is shown in the server\'s words', async () => {
  const started = page();
  started.tracker.feed.isOpen = () => false;
  await started.tracker.start('1');
  assert.ok(started.state.deliveries.has(ID), 'listed at once');
  assert.equal(started.state.deliveries.get(ID).trackingUrl, '/track/t');
  assert.deepEqual(started.notices, []);

  const refused = page({ startAnswer: { status: 429, body: { message: 'too many active deliveries (500); try again when some finish' } } });
  await refused.tracker.start('1');
  assert.deepEqual(refused.notices, ['Could not start the delivery: Too many active deliveries (500); try again when some finish.']);
});

test('Recent lists every delivery that ended, however it did, and pages on from the cursor the server gave', async () => {
  const asked = [];
  const ended = (deliveryId, status, extra = {}) => ({ deliveryId, routeId: '1', status, lastSeq: 9, ...extra });
  const pages = [
    { items: [ended(ID, 'delivered', { deviceId: 'van-1', reference: 'A-1' }), ended(OTHER, 'cancelled', { deviceId: 'van-2' })], next: OTHER },
    { items: [ended('5e6f7a8b-2222-4333-8444-555566667777', 'finished')], next: null },
  ];
  const { tracker, state } = page({ listPage: async (params) => { asked.push(params); return pages[asked.length - 1]; } });
  assert.equal(await tracker.loadRecent(), true);
  assert.deepEqual(asked[0], { status: 'finished,delivered,cancelled', limit: '10' });
  assert.deepEqual([...state.deliveries.values()].map((d) => [d.finished, d.outcome]), [[true, 'delivered'], [true, 'cancelled']]);
  assert.equal(state.recentNext, OTHER);

  await tracker.loadRecent();
  assert.deepEqual(asked[1], { status: 'finished,delivered,cancelled', limit: '10', after: OTHER });
  assert.equal(state.deliveries.size, 3);
  assert.equal(state.recentNext, null, 'no older page');
});

/** Frames that come only when the test draws one, on a clock it moves. */
function manualFrames() {
  const frames = {
    time: 0,
    queued: [],
    timers: [],
    next: (draw) => frames.queued.push(draw),
    after: (ms, fn) => frames.timers.push({ at: frames.time + ms, fn }),
    now: () => frames.time,
    /** Moves the clock on (by a frame's time unless told), fires the timers then due, and draws one frame. */
    frame(ms = 16) {
      frames.time += ms;
      const due = frames.timers.filter((timer) => timer.at <= frames.time);
      frames.timers = frames.timers.filter((timer) => timer.at > frames.time);
      due.forEach((timer) => timer.fn());
      frames.queued.splice(0).forEach((draw) => draw());
    },
    idle: () => frames.queued.length === 0 && frames.timers.length === 0,
  };
  return frames;
}

/** A console page whose map and list record what they are asked to draw, on frames the test draws. */
function drawnPage() {
  const frames = manualFrames();
  const drawn = { trails: [], vehicles: [], flushes: 0, items: [], arranged: 0 };
  const ignore = () => {};
  const mapView = new Proxy({
    showTrail: (delivery) => drawn.trails.push(delivery.id),
    moveVehicle: (delivery) => drawn.vehicles.push(delivery.id),
    flushVehicles: () => drawn.flushes++,
  }, { get: (target, name) => target[name] ?? ignore });
  const panel = new Proxy({
    updateDeliveryItem: (delivery) => drawn.items.push(delivery.id),
    arrangeList: (listId) => listId === 'active' && drawn.arranged++,
  }, { get: (target, name) => target[name] ?? ignore });
  const state = createState();
  setRoutes(state, [ROUTE]);
  const feed = { isOpen: () => true, follow: ignore, unfollow: ignore };
  const tracker = new Tracker({ state, api: { positions: async () => [] }, feed, mapView, replay: { deliveryId: null }, panel, frames });
  const forget = () => Object.assign(drawn, { trails: [], vehicles: [], flushes: 0, items: [], arranged: 0 });
  return { tracker, state, frames, drawn, forget };
}

const fleet = Array.from({ length: 50 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
const batch = (seq) => ({ deliveries: fleet.map((deliveryId) => ({ ...position(seq), deliveryId })) });

test('a fleet batch is drawn in two frames, the map then the list, however many deliveries it moves', () => {
  const { tracker, frames, drawn, forget } = drawnPage();
  tracker.onFleet(batch(0));
  frames.frame();
  frames.frame();
  forget();

  frames.frame(500);
  tracker.onFleet(batch(1));
  assert.deepEqual(drawn.trails, [], 'nothing drawn before the next frame');
  frames.frame();
  assert.deepEqual(new Set(drawn.trails), new Set(fleet), 'every trail in the first frame');
  assert.deepEqual(new Set(drawn.vehicles), new Set(fleet));
  assert.equal(drawn.trails.length, fleet.length, 'each once');
  assert.deepEqual(drawn.items, [], 'the list waits for the next frame');
  frames.frame();
  assert.deepEqual(new Set(drawn.items), new Set(fleet), 'every item in the second');
  assert.equal(drawn.items.length, fleet.length);
  assert.equal(drawn.arranged, 1, 'the list arranged once for the whole batch');
  assert.ok(frames.idle(), 'nothing left to draw: no more frames asked for');
});

test('the fleet is drawn at most every 500 ms, the followed delivery in every frame', () => {
  const { tracker, state, frames, drawn, forget } = drawnPage();
  tracker.onFleet(batch(0));
  frames.frame();
  frames.frame();
  tracker.select(fleet[0]);
  forget();

  tracker.onFleet(batch(1));
  frames.frame(100);
  assert.deepEqual(drawn.trails, [fleet[0]], 'the followed one at once, the rest wait');
  assert.deepEqual(drawn.items, [fleet[0]]);
  frames.frame(100);
  assert.equal(drawn.trails.length, 1);

  frames.frame(300);
  frames.frame();
  assert.equal(drawn.trails.length, fleet.length, 'the others 500 ms after the last fleet drawing');
  assert.equal(drawn.items.length, fleet.length);
  assert.ok(frames.idle());
  assert.equal(state.deliveries.get(fleet[1]).positions.length, 2, 'the state itself took the batch at once');

  forget();
  tracker.applyPositions(state.deliveries.get(fleet[0]), [{ ...position(2), deliveryId: fleet[0] }]);
  frames.frame(600);
  frames.frame();
  assert.deepEqual(drawn.trails, [fleet[0]]);
  assert.equal(drawn.arranged, 1, 'the list arranged for the followed delivery alone too');
  assert.ok(frames.idle());
});

test('a delivery that arrives is drawn in Recent at once, with no frame in between', () => {
  const { tracker, drawn, forget } = drawnPage();
  tracker.onFleet(batch(8));
  forget();
  const moved = [];
  tracker.panel.moveToRecent = (delivery) => moved.push([delivery.id, drawn.items.includes(delivery.id)]);
  tracker.onFleet({ deliveries: [{ ...position(9), deliveryId: fleet[0] }] });
  assert.deepEqual(moved, [[fleet[0], false]]);
  assert.deepEqual(drawn.items, [fleet[0]], 'its item drawn (as arrived) in the same task that moved it');
});
