// Orchestration: takes what the server says (REST reads, live feed) into the state, then brings the map,
// the panel and the replay up to date. Holds no data of its own beyond the requests in flight; everything
// the page knows is in the state object it is given.
//
// At fleet scale: every delivery's latest state comes from the fleet feed (one registration, whatever the fleet's
// size); only the followed delivery (the camera's) has its own address registered, with every position and catch-up
// by seq, and a finished one's whole track is read once when it arrives.

import { firstMissingSeq, hasGap, holdsWholeTrack, isDeliveryId, latestPosition, mergePositions } from './deliveries.js';
import { apiErrorText } from './access.js';
import { describeBusError, titleOf } from './format.js';
import { applyEvent, countByStatus, fleetStates, freshnessOf, matches, pausedText, sortDeliveries } from './fleet.js';
import { dismiss, latestDeliveryOf, notificationText, takeEvent } from './notifications.js';
import { parseHash } from './routing.js';
import {
  ENDED_STATUSES, applySummary, browserBackOnline, byStart, connectionClosed, connectionOpened, ensureDelivery, refreshEta,
  routeOf, setRoutes, settleFinished, takeTrackingUrl, toggleCamera, unfinishedNotListed,
} from './state.js';
import { PAGE_LIMIT } from './api.js';

// The fleet is drawn at most this often, all its changes since at once (the followed delivery in every frame): each
// drawing costs a layout of the list and a repaint of the map whatever the number of deliveries it changes, so one
// drawing per fleet-feed interval costs a fraction of one per message or per delivery, and leaves the frames between
// free.
const FLEET_DRAW_GAP_MS = 500;
// A delivery not drawn for this long is drawn again by the clock's tick (its ETA and "last update" move on).
const REDRAW_AFTER_MS = 900;
// When the views are drawn: the browser's next frame (a plain task where there are none), a timer, and the clock the
// two are measured by. Tests give their own.
const BROWSER_FRAMES = Object.freeze({
  next: globalThis.requestAnimationFrame ? (draw) => requestAnimationFrame(draw) : (draw) => setTimeout(draw, 0),
  after: (ms, fn) => setTimeout(fn, ms),
  now: () => performance.now(),
});

// Finished deliveries shown under Recent when the page opens.
const RECENT_ON_LOAD = 10;
// The store records a position shortly after it is published live (see catchUpSoon).
const STORE_LAG_MS = 1000;
/** Reads of a finished delivery's track while the store is still catching up: 1 + 2 + 4 + 8 + 16 s at most. */
const TRACK_READ_ATTEMPTS = 5;
// A finished delivery's last state comes in the fleet feed within a second; only after this is it fetched.
const FINISH_SETTLE_MS = 3000;
// The list's status filter for every delivery that has ended (Recent, and those that ended while the page was away).
const ENDED = ENDED_STATUSES.join(',');
// The filters a just-started delivery is shown under when the chosen ones would hide it.
const NO_FILTER = { query: '', status: 'all', routeId: 'all' };

export class Tracker {
  /**
   * @param {{state: object, api: object, feed: import('./live-feed.js').LiveFeed,
   *          mapView: import('./map-view.js').MapView, replay: import('./replay.js').Replay,
   *          panel: typeof import('./panel.js'), controls?: {start: boolean, renewLinks: boolean}}} parts
   *          controls: what the signed-in user may do (access.js controlsFor); the server refuses the rest anyway;
   *          frames: when the views are drawn ({next(draw), after(ms, fn), now()}: the browser's frames by default)
   */
  constructor({
    state, api, feed, mapView, replay, panel, controls = { start: true, renewLinks: true }, frames = BROWSER_FRAMES,
  }) {
    this.frames = frames;
    this.state = state;
    this.controls = controls;
    this.api = api;
    this.feed = feed;
    this.mapView = mapView;
    this.replay = replay;
    this.panel = panel;
    // Catch-up fetches in flight (their promises), so a burst of gap detections costs one request per delivery.
    this.tracksLoading = new Map();
    // Gap catch-ups waiting for the store to record what was just published live (see catchUpSoon).
    this.catchUpsPending = new Set();
    // The views are brought up to date in animation frames, for what changed since they were drawn (see render): a
    // fleet batch changes a thousand deliveries at once, and the screen shows at most one frame of it anyway. What each
    // delivery waiting to be drawn needs ({trail, move, followed}, see drawSoon), whether the lists' arrangement
    // (counts, filters, order) changed, and whether a frame is asked for already.
    this.toDraw = new Map();
    this.listChanged = false;
    // The list's half of a fleet drawing, for the frame after the map's (see render): its items, and whether it is due.
    this.itemsToShow = new Set();
    this.listHalfDue = false;
    this.frameQueued = false;
    this.laterQueued = false;
    this.fleetDrawnAt = -Infinity;
    this.drawnAt = new WeakMap(); // delivery -> frames.now() of its last drawing
    this.select = this.select.bind(this);
    this.start = this.start.bind(this);
    this.trackingUrlOf = this.trackingUrlOf.bind(this);
    this.renewTrackingLink = this.renewTrackingLink.bind(this);
  }

  routeOf(delivery) {
    return routeOf(this.state, delivery);
  }

  // ---- Deliveries -------------------------------------------------------------------------------

  /** The delivery with this id, its list item added the first time it is heard of; views brought up to date. */
  ensure(id, routeId, { finished = false } = {}) {
    const { delivery, created } = ensureDelivery(this.state, id, routeId, { finished });
    this.showNew(delivery, created);
    return delivery;
  }

  /** A delivery summary from GET /api/deliveries, as the page's delivery. */
  ensureFromSummary(summary) {
    const { delivery, created } = applySummary(this.state, summary);
    this.showNew(delivery, created);
    return delivery;
  }

  /**
   * Adds the list item of a delivery just heard of, then draws and describes it. A delivery known only
   * as finished history (Recent on load) gets its list item but is drawn once it is replayed.
   */
  showNew(delivery, created) {
    refreshEta(this.state, delivery, Date.now());
    if (created) {
      this.panel.addDeliveryItem(delivery, this.select, {
        list: delivery.finished ? 'recent' : 'active',
        trackingUrlOf: this.trackingUrlOf,
        renewTrackingLink: this.controls.renewLinks ? this.renewTrackingLink : null,
      });
      // Described at once, not in the next frame: a delivery just started is scrolled to at its full size.
      this.showItem(delivery);
    }
    this.drawSoon(delivery, { trail: true, move: 'jump' });
    this.refreshListSoon();
  }

  /** Whether the map shows the delivery: on the road, replayed, or finished while today's trails are asked for. */
  isDrawn(delivery) {
    return !delivery.finished || this.replay.deliveryId === delivery.id || this.state.showFinishedTrails;
  }

  isFollowed(delivery) {
    return this.state.cameraDeliveryId === delivery.id;
  }

  /** The list item from the delivery's state, in the next frame; the ETA is worked out again unless told it holds. */
  refreshItem(delivery, { etaStillHolds = false } = {}) {
    if (!etaStillHolds) {
      refreshEta(this.state, delivery, Date.now());
    }
    this.drawSoon(delivery);
    this.refreshListSoon();
  }

  showItem(delivery) {
    this.panel.updateDeliveryItem(delivery, this.routeOf(delivery), freshnessOf(delivery, Date.now()));
    this.drawnAt.set(delivery, this.frames.now());
  }

  /**
   * Draws the delivery soon, with the others that changed meanwhile (see render): its list item, and on the map (when
   * it is drawn there) its trail if `trail`, its vehicle if `move` ('jump' to the latest position, or 'glide' there
   * over an interval; a glide asked for since it was last drawn wins). A delivery `followed` when its news came keeps its
   * planned route drawn and the camera panning with it, even if the camera has let go of it since (it arrived).
   */
  drawSoon(delivery, { trail = false, move = null } = {}) {
    const followed = this.isFollowed(delivery);
    const waiting = this.toDraw.get(delivery);
    if (waiting) {
      waiting.trail ||= trail;
      waiting.move = waiting.move === 'glide' || move === 'glide' ? 'glide' : waiting.move ?? move;
      waiting.followed ||= followed;
    } else {
      this.toDraw.set(delivery, { trail, move, followed });
    }
    this.renderSoon();
  }

  /** Counts, filters and order of the lists, in the next frame (once for a whole fleet batch). */
  refreshListSoon() {
    this.listChanged = true;
    this.renderSoon();
  }

  /** Draws in the next frame what is due (see render). */
  renderSoon() {
    if (!this.frameQueued) {
      this.frameQueued = true;
      this.frames.next(() => {
        this.frameQueued = false;
        this.render();
      });
    }
  }

  renderAfter(ms) {
    if (!this.laterQueued) {
      this.laterQueued = true;
      this.frames.after(ms, () => {
        this.laterQueued = false;
        this.renderSoon();
      });
    }
  }

  /**
   * One frame's drawing: the followed delivery when it changed; and, at most once per FLEET_DRAW_GAP_MS, every other
   * delivery waiting to be drawn: on the map in one frame (trails, and the clustered vehicles moved all at once), in
   * the list in the next (items, and the lists' arrangement when it changed). Split so, neither frame holds the page up
   * long: the map's repaint and the list's layout are each a good part of a fleet drawing.
   */
  render() {
    const followed = this.state.deliveries.get(this.state.cameraDeliveryId);
    if (followed && this.toDraw.has(followed)) {
      this.draw(followed, this.toDraw.get(followed));
      this.showItem(followed);
      this.toDraw.delete(followed);
    }
    if (this.listHalfDue) {
      this.listHalfDue = false;
      for (const delivery of this.itemsToShow) {
        this.showItem(delivery);
      }
      this.itemsToShow.clear();
      if (this.listChanged) {
        this.listChanged = false;
        this.refreshList();
      }
    } else {
      const now = this.frames.now();
      const wait = this.fleetDrawnAt + FLEET_DRAW_GAP_MS - now;
      if (wait > 0) {
        if (this.toDraw.size > 0 || this.listChanged) {
          this.renderAfter(wait);
        }
      } else if (this.toDraw.size > 0 || this.listChanged) {
        this.fleetDrawnAt = now;
        for (const [delivery, how] of this.toDraw) {
          this.draw(delivery, how);
          this.itemsToShow.add(delivery);
        }
        this.toDraw.clear();
        this.listHalfDue = true;
        this.renderSoon();
      }
    }
    this.mapView.flushVehicles();
  }

  /** See drawSoon: the delivery on the map. A replayed delivery's trail and vehicle are the replay's to draw. */
  draw(delivery, { trail, move, followed }) {
    const latest = latestPosition(delivery);
    if (followed && trail) {
      // The route may have become known through the positions themselves (a shared link).
      this.mapView.showPlan(delivery, this.routeOf(delivery));
    }
    if (latest && (trail || move) && this.replay.deliveryId !== delivery.id && this.isDrawn(delivery)) {
      if (trail) {
        this.mapView.showTrail(delivery);
      }
      if (move) {
        this.mapView.moveVehicle(delivery, latest, move === 'glide' ? this.state.intervalMs : 0);
      }
    }
    if (latest && followed && move === 'glide') {
      this.mapView.panTo(latest, this.state.intervalMs);
    }
  }

  refreshList() {
    const all = [...this.state.deliveries.values()];
    const shown = new Set(all
      .filter((delivery) => matches(delivery, this.state.filter, titleOf(delivery, this.routeOf(delivery))))
      .map((delivery) => delivery.id));
    const active = sortDeliveries(all.filter((delivery) => !delivery.finished), this.state.filter.sort);
    this.panel.arrangeList('active', active.map((delivery) => delivery.id), shown);
    this.panel.arrangeList('recent', null, shown);
    this.panel.renderCounts(countByStatus(all), this.state.filter.status, shown.size, all.length);
  }

  /** The filters changed ({query}, {status}, {routeId} or {sort}). */
  setFilter(change) {
    Object.assign(this.state.filter, change);
    this.refreshList();
  }

  /**
   * Once a second: ETAs count down from the clock (each is an absolute time), "last update N s ago" moves on, and
   * the paused note keeps its time; nothing is read from the server for it. Deliveries drawn within the last
   * REDRAW_AFTER_MS (those moving: each fleet batch draws them) are left alone.
   */
  tick() {
    const now = this.frames.now();
    for (const delivery of this.state.deliveries.values()) {
      if (!delivery.finished && !(now - this.drawnAt.get(delivery) < REDRAW_AFTER_MS)) {
        this.drawSoon(delivery);
      }
    }
  }

  /** Merges positions (live or fetched) and brings the map and the list up to date with them (in the next frame). */
  applyPositions(delivery, messages) {
    const wasFinished = delivery.finished;
    const before = latestPosition(delivery);
    if (mergePositions(delivery, messages) === 0) {
      return;
    }
    const latest = latestPosition(delivery);
    // Only a new latest position moves the ETA and the vehicle: older ones filling a gap say nothing of the arrival.
    if (latest !== before) {
      refreshEta(this.state, delivery, Date.now());
    }
    this.drawSoon(delivery, { trail: true, move: latest !== before ? 'glide' : null });
    this.refreshListSoon();

    if (!wasFinished && delivery.finished) {
      this.finish(delivery);
    }
    if (hasGap(delivery) && this.isFollowed(delivery)) {
      // Missed positions of the followed delivery (registered late, or a dropped socket): fetch the stored ones.
      this.catchUpSoon(delivery);
    }
  }

  /** Arrived: moves to Recent. The "delivered" notification comes from the delivery's events (notifications.js). */
  finish(delivery) {
    const wasFollowed = this.isFollowed(delivery);
    settleFinished(this.state, delivery);
    delivery.finishedAt ??= Date.now();
    this.refreshItem(delivery);
    this.panel.moveToRecent(delivery);
    // Drawn at once, not with the next fleet drawing: an item that moved to Recent must not still say "0.3 km left".
    this.showItem(delivery);
    this.feed.unfollow(delivery.id);
    if (wasFollowed) {
      this.mapView.raise(this.replay.deliveryId);
      this.panel.markSelected(null, this.replay.deliveryId);
    }
    if (!this.isDrawn(delivery)) {
      this.mapView.hide(delivery);
    }
    this.completeTrackSoon(delivery);
  }

  /**
   * A finished delivery's whole stored track, read once (the fleet feed brought only its latest states): its replay
   * and today's trails then need no wait. A device's is read whole, since its seqs do not tell what is missing.
   */
  completeTrackSoon(delivery, attempt = 0) {
    setTimeout(async () => {
      if (delivery.device) {
        this.catchUp(delivery, 0);
        return;
      }
      if (holdsWholeTrack(delivery)) {
        return;
      }
      try {
        await this.catchUp(delivery);
      } catch {
        // Read again below, like a read that found the track still incomplete.
      }
      // The store writes a position shortly after the live feed carries it, longer on a busy machine (the delivered
      // event can come first): a track still incomplete is read again, a little later each time.
      const incomplete = !holdsWholeTrack(delivery);
      if (incomplete && attempt + 1 < TRACK_READ_ATTEMPTS) {
        this.completeTrackSoon(delivery, attempt + 1);
      }
    }, Math.max(STORE_LAG_MS, this.state.intervalMs * 2) * 2 ** attempt);
  }

  /**
   * The delivery's customer link (/track/<token>): the one the server already named (in the list it came from, or
   * the start reply), else read from GET /api/deliveries/{id}; null while the store does not know the delivery.
   */
  async trackingUrlOf(deliveryId) {
    const delivery = this.state.deliveries.get(deliveryId);
    if (!delivery) {
      return null;
    }
    if (!delivery.trackingUrl) {
      takeTrackingUrl(delivery, await this.api.delivery(deliveryId));
    }
    return delivery.trackingUrl;
  }

  /**
   * Withdraws the delivery's customer link for a new one (the old one stops working at once): null when done, else
   * the words saying why not.
   */
  async renewTrackingLink(deliveryId) {
    const delivery = this.state.deliveries.get(deliveryId);
    const answer = await this.api.renewTrackingLink(deliveryId);
    if (answer.status !== 200 || typeof answer.body?.trackingUrl !== 'string') {
      return apiErrorText(answer.status, answer.body);
    }
    if (delivery) {
      takeTrackingUrl(delivery, answer.body);
    }
    return null;
  }

  // ---- Stored tracks ----------------------------------------------------------------------------

  /** Fetches a delivery's stored positions from fromSeq on and merges them by seq. */
  async loadTrack(deliveryId, fromSeq) {
    const positions = await this.api.positions(deliveryId, fromSeq);
    if (!positions || positions.length === 0) {
      return;
    }
    const routeId = positions.find((p) => typeof p?.routeId === 'string')?.routeId;
    this.applyPositions(this.ensure(deliveryId, routeId), positions);
  }

  /**
   * A gap seen in live positions is filled from the store a moment later, not at once: the store records a
   * position shortly after it is published live, so an immediate fetch for a delivery joined just after its
   * start finds it not stored yet (a 404 the browser logs as a console error) and misses the very points
   * the gap is about. One pending fetch per delivery; it is skipped if live positions closed the gap meanwhile.
   */
  catchUpSoon(delivery) {
    if (this.catchUpsPending.has(delivery.id)) {
      return;
    }
    this.catchUpsPending.add(delivery.id);
    setTimeout(() => {
      this.catchUpsPending.delete(delivery.id);
      if (hasGap(delivery)) {
        this.catchUp(delivery);
      }
    }, Math.max(STORE_LAG_MS, this.state.intervalMs * 2));
  }

  /**
   * loadTrack from the first seq this page is missing (or from fromSeq), at most once at a time per delivery: the
   * stored positions from there on are merged by seq, so overlap with live ones is dropped and holes are filled.
   * A caller arriving while a fetch is in flight waits for that fetch rather than starting another.
   */
  catchUp(delivery, fromSeq = firstMissingSeq(delivery)) {
    const inFlight = this.tracksLoading.get(delivery.id);
    if (inFlight) {
      return inFlight;
    }
    const loading = this.loadTrack(delivery.id, fromSeq)
      .finally(() => this.tracksLoading.delete(delivery.id));
    this.tracksLoading.set(delivery.id, loading);
    return loading;
  }

  /** Fetches what the store has; if the delivery still has not arrived, settles it anyway (it has). */
  catchUpThenSettle(delivery) {
    return this.catchUp(delivery).then(() => delivery.finished || this.finish(delivery));
  }

  // ---- Selection, replay, shared links ----------------------------------------------------------

  /** A click on a list item: follow an active delivery with the camera, replay a finished one. */
  select(deliveryId) {
    const delivery = this.state.deliveries.get(deliveryId);
    if (!delivery) {
      return;
    }
    if (delivery.finished) {
      if (this.replay.deliveryId === deliveryId) {
        this.replay.stop();
      } else {
        this.openReplay(delivery, { takeFocus: true });
      }
      return;
    }
    const previous = this.state.cameraDeliveryId;
    const followed = toggleCamera(this.state, deliveryId);
    this.followChanged(previous);
    const latest = followed ? latestPosition(delivery) : null;
    if (latest) {
      this.mapView.panTo(latest, this.state.intervalMs);
    }
  }

  /** A click on a vehicle on the map: follows its delivery (it stays followed if it was) and shows its item. */
  selectFromMap(deliveryId) {
    if (this.state.cameraDeliveryId !== deliveryId) {
      this.select(deliveryId);
    }
    this.panel.revealDelivery(deliveryId);
  }

  /**
   * The camera now follows another delivery (or none): the one before gives up its own address, the new one gets
   * it, its planned route and its stored track (from the first seq missing), and its vehicle is raised on the map.
   */
  followChanged(previous) {
    const next = this.state.cameraDeliveryId;
    if (previous && previous !== next) {
      this.feed.unfollow(previous);
    }
    this.mapView.raise(next ?? this.replay.deliveryId);
    this.panel.markSelected(next, this.replay.deliveryId);
    const delivery = next ? this.state.deliveries.get(next) : null;
    if (delivery && !delivery.finished) {
      this.mapView.showPlan(delivery, this.routeOf(delivery));
      this.follow(delivery);
      this.catchUp(delivery);
    }
  }

  /**
   * Loads the stored track if it is not held whole yet, then shows the replay controls at its start; takeFocus (opened
   * from its list item) moves the keyboard focus into them, and closing gives it back to the item (onReplayClosed).
   */
  async openReplay(delivery, { takeFocus = false } = {}) {
    if (!delivery.finished) {
      return;
    }
    if (delivery.device) {
      // What a device's delivery is missing cannot be told from its seqs (fix times): a replay loads it whole.
      await this.catchUp(delivery, 0);
    } else if (!holdsWholeTrack(delivery)) {
      await this.catchUp(delivery);
    }
    const title = titleOf(delivery, this.routeOf(delivery));
    if (delivery.positions.length === 0) {
      this.panel.showNotice(`No stored track to replay for the delivery on ${title}.`, { error: true });
      return;
    }
    this.mapView.showPlan(delivery, this.routeOf(delivery));
    const previous = this.state.cameraDeliveryId;
    this.state.cameraDeliveryId = null;
    this.replay.open(delivery, title, { takeFocus });
    this.followChanged(previous);
  }

  onReplayClosed(deliveryId) {
    this.mapView.raise(this.state.cameraDeliveryId);
    this.panel.markSelected(this.state.cameraDeliveryId, null);
    const delivery = this.state.deliveries.get(deliveryId);
    if (delivery && !this.isDrawn(delivery)) {
      this.mapView.hide(delivery);
    }
    this.panel.focusDeliveryItem(deliveryId);
  }

  /** #/deliveries/<id>: show that delivery, fetch its history, then keep following it live. */
  openFromHash(hash) {
    const target = parseHash(hash);
    if (target.view === 'invalid') {
      this.panel.showNotice('That link does not name a delivery.', { error: true });
    }
    if (target.view !== 'delivery') {
      return;
    }
    const known = this.state.deliveries.get(target.id);
    if (known && known.finished) {
      this.openReplay(known);
      return;
    }
    const delivery = this.ensure(target.id, null);
    const previous = this.state.cameraDeliveryId;
    this.state.cameraDeliveryId = target.id;
    this.followChanged(previous);
    this.catchUp(delivery).then(() => {
      if (delivery.finished) {
        // A link to a delivery that has already arrived: its replay is what there is to see.
        this.openReplay(delivery);
      } else {
        this.mapView.frame(delivery);
      }
    });
  }

  // ---- Live feed --------------------------------------------------------------------------------

  /** Follows the delivery's own positions live on the current socket (again after every reconnect). */
  follow(delivery) {
    if (delivery.finished) {
      return;
    }
    this.feed.follow(delivery.id, (position) => {
      this.applyPositions(delivery, [position]);
    }, (err) => {
      this.panel.showNotice(`Live updates for a delivery failed: ${err.message ?? 'unknown reason'}`, { error: true });
    });
  }

  onOpen() {
    const reconnected = connectionOpened(this.state);
    this.state.pausedSince = null;
    this.panel.setPaused(null);
    this.panel.setConnection(this.state.connection);
    const followed = this.state.deliveries.get(this.state.cameraDeliveryId);
    if (followed && !followed.finished) {
      this.follow(followed);
      // Positions sent while the socket was down are only in the store: fetch them (from the first
      // missing seq; what also arrives live meanwhile is merged by seq, so no duplicate and no gap).
      if (reconnected) {
        this.catchUp(followed);
      }
    }
    // Handlers first, then the lists: a delivery starting in between is seen by one or the other (or both,
    // and ensure makes that one delivery).
    this.syncFromServer(reconnected);
  }

  onClose() {
    connectionClosed(this.state, navigator.onLine);
    this.panel.setConnection(this.state.connection);
    if (this.state.everConnected && this.state.pausedSince === null) {
      this.state.pausedSince = Date.now();
      this.panel.setPaused(pausedText(this.state.pausedSince));
    }
  }

  onBrowserOnline() {
    if (browserBackOnline(this.state)) {
      this.panel.setConnection(this.state.connection);
    }
  }

  onBusError(err) {
    this.panel.showNotice(describeBusError(err), { error: true });
  }

  onUpdate(update) {
    if (!isDeliveryId(update.deliveryId)) {
      return;
    }
    if (update.type === 'started') {
      // Someone (maybe another user) started a delivery: show it; the fleet feed brings where it goes.
      takeTrackingUrl(this.ensure(update.deliveryId, update.routeId), update);
    } else if (update.type === 'finished') {
      const delivery = this.state.deliveries.get(update.deliveryId);
      if (delivery && !delivery.finished) {
        // The final position normally arrives in the fleet feed; if it was missed, fetch it, and if
        // that cannot help either, still settle the delivery rather than leave it "active" forever.
        setTimeout(() => delivery.finished || this.catchUpThenSettle(delivery), Math.max(FINISH_SETTLE_MS, this.state.intervalMs * 2));
      }
    }
  }

  /** A fleet-feed batch: the latest state of each delivery that moved, taken in like any position (merged by seq). */
  onFleet(batch) {
    for (const state of fleetStates(batch)) {
      this.applyPositions(this.ensure(state.deliveryId, state.routeId ?? null), [state]);
    }
  }

  /** A delivery event from the fleet's feed: news when it is about a delivery this page shows. */
  onEvent(event) {
    const delivery = this.state.deliveries.get(event?.deliveryId);
    if (delivery && applyEvent(delivery, event)) {
      if (delivery.outcome && !delivery.finished) {
        // Delivered or cancelled: the list says so with the notification, not when the fleet feed's next batch comes.
        this.finish(delivery);
      } else {
        this.refreshItem(delivery, { etaStillHolds: true });
      }
    }
    const group = takeEvent(this.state.notifications, event, Date.now(), (id) => this.state.deliveries.has(id));
    if (group) {
      this.showEventNotices();
    }
  }

  showEventNotices() {
    this.panel.renderEventNotices(this.state.notifications.groups, {
      textOf: (group) => notificationText(group, (id) => {
        const delivery = this.state.deliveries.get(id);
        return delivery ? titleOf(delivery, this.routeOf(delivery)) : `delivery ${id.slice(0, 8)}`;
      }),
      onOpen: (group) => this.focusDelivery(latestDeliveryOf(group)),
      onDismiss: (group) => {
        dismiss(this.state.notifications, group.id);
        this.showEventNotices();
      },
    });
  }

  /** Shows one delivery as its link would: followed by the camera on the road, its replay once finished. */
  focusDelivery(deliveryId) {
    const hash = `#/deliveries/${deliveryId}`;
    if (window.location.hash === hash) {
      this.openFromHash(hash);
    } else {
      // The hashchange listener opens it, and the address names it for a bookmark or the back button.
      window.location.hash = hash;
    }
    this.panel.focusDeliveryItem(deliveryId);
  }

  /**
   * Reads the deliveries on the road now (from every user) and shows and follows each, with its stored
   * track; on the first connection also the latest finished ones for Recent. After a reconnect, a delivery
   * this page still shows as active but the server lists as finished arrived while the page was away.
   */
  async syncFromServer(reconnected) {
    const lists = await Promise.all(['in-transit', 'started', 'assigned'].map((status) => this.api.listAll(status)));
    if (lists.includes(null)) {
      this.panel.showNotice('Deliveries on the road could not be listed; new ones still appear live.', { error: true });
    }
    // Each summary says where its delivery is now (merged by seq): no track is read but the followed one's.
    const active = byStart(lists.flatMap((list) => list ?? []).filter((s) => isDeliveryId(s?.deliveryId)));
    for (const summary of active) {
      this.ensureFromSummary(summary);
    }

    if (!this.state.recentLoaded) {
      this.state.recentLoaded = await this.loadRecent();
    }

    if (reconnected) {
      const missing = unfinishedNotListed(this.state, active.map((summary) => summary.deliveryId));
      if (missing.length > 0) {
        const finished = await this.api.listPage({ status: ENDED, limit: String(PAGE_LIMIT) });
        const finishedIds = new Set((finished?.items ?? []).map((summary) => summary.deliveryId));
        for (const delivery of missing.filter((d) => finishedIds.has(d.id))) {
          this.catchUpThenSettle(delivery);
        }
      }
    }
  }

  /**
   * One more page of Recent (the deliveries that ended, however they did: finished, delivered or cancelled; newest
   * first), after the last one read; true when it was read.
   */
  async loadRecent() {
    const params = { status: ENDED, limit: String(RECENT_ON_LOAD) };
    if (this.state.recentNext) {
      params.after = this.state.recentNext;
    }
    const recent = await this.api.listPage(params);
    if (!recent) {
      return false;
    }
    for (const summary of recent.items) {
      if (isDeliveryId(summary?.deliveryId) && !this.state.deliveries.has(summary.deliveryId)) {
        const delivery = this.ensureFromSummary(summary);
        if (this.state.showFinishedTrails) {
          this.showTrailIfToday(delivery);
        }
      }
    }
    this.state.recentNext = recent.next ?? null;
    this.panel.setMoreRecent(this.state.recentNext !== null);
    return true;
  }

  /** Today's finished trails shown or hidden; a finished delivery of today whose track is not held yet is read. */
  showFinishedTrails(shown) {
    this.state.showFinishedTrails = shown;
    for (const delivery of this.state.deliveries.values()) {
      if (!delivery.finished || this.replay.deliveryId === delivery.id) {
        continue;
      }
      if (shown) {
        this.showTrailIfToday(delivery);
      } else {
        this.mapView.hide(delivery);
      }
    }
  }

  /** A finished delivery's trail drawn, its track read first if not held whole, when it ended today. */
  showTrailIfToday(delivery) {
    if (Number.isFinite(delivery.finishedAt) && new Date(delivery.finishedAt).toDateString() === new Date().toDateString()) {
      this.catchUp(delivery, delivery.positions.length > 0 && !hasGap(delivery) ? delivery.positions.length : 0)
        .then(() => this.showNew(delivery, false));
    }
  }

  /**
   * The Start button of a route: POST /api/deliveries, whatever the live connection is doing; the server's own words
   * when it refuses. The new delivery is listed at once, scrolled to and highlighted.
   */
  async start(routeId) {
    const answer = await this.api.startDelivery(routeId);
    if (answer.status !== 202 || !isDeliveryId(answer.body?.deliveryId)) {
      this.panel.showNotice(`Could not start the delivery: ${apiErrorText(answer.status, answer.body)}`, { error: true });
      return;
    }
    const delivery = this.ensure(answer.body.deliveryId, routeId);
    takeTrackingUrl(delivery, answer.body);
    if (!matches(delivery, this.state.filter, titleOf(delivery, this.routeOf(delivery)))) {
      Object.assign(this.state.filter, NO_FILTER);
      this.panel.showFilter(this.state.filter);
    }
    this.refreshList();
    this.panel.revealDelivery(delivery.id);
  }

  /**
   * The route catalogue, with a Start button each for a user who may start deliveries; deliveries opened later get
   * their titles and lines from it.
   */
  async loadRoutes() {
    const routes = await this.api.routes();
    if (!Array.isArray(routes)) {
      this.panel.routesUnavailable();
      this.panel.showNotice('Routes could not be loaded; reload the page to try again.', { error: true });
      return;
    }
    setRoutes(this.state, routes);
    this.panel.renderRoutes(routes, this.controls.start ? this.start : null);
    this.panel.renderRouteFilter(routes);
    this.mapView.showRoutes(routes);
  }
}
