// Orchestration: takes what the server says (REST reads, live feed) into the state, then brings the map,
// the panel and the replay up to date. Holds no data of its own beyond the requests in flight; everything
// the page knows is in the state object it is given.

import { firstMissingSeq, hasGap, isDeliveryId, latestPosition, mergePositions } from './deliveries.js';
import { apiErrorText } from './access.js';
import { describeBusError, titleOf } from './format.js';
import { dismiss, latestDeliveryOf, notificationText, takeEvent } from './notifications.js';
import { parseHash } from './routing.js';
import {
  applySummary, browserBackOnline, byStart, connectionClosed, connectionOpened, ensureDelivery, refreshEta,
  routeOf, setRoutes, settleFinished, takeTrackingUrl, toggleCamera, unfinishedDeliveries, unfinishedNotListed,
} from './state.js';
import { PAGE_LIMIT } from './api.js';

// Finished deliveries shown under Recent when the page opens.
const RECENT_ON_LOAD = 10;
// The store records a position shortly after it is published live (see catchUpSoon).
const STORE_LAG_MS = 1000;

export class Tracker {
  /**
   * @param {{state: object, api: object, feed: import('./live-feed.js').LiveFeed,
   *          mapView: import('./map-view.js').MapView, replay: import('./replay.js').Replay,
   *          panel: typeof import('./panel.js'), controls?: {start: boolean, renewLinks: boolean}}} parts
   *          controls: what the signed-in user may do (access.js controlsFor); the server refuses the rest anyway
   */
  constructor({ state, api, feed, mapView, replay, panel, controls = { start: true, renewLinks: true } }) {
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
    if (created) {
      this.panel.addDeliveryItem(delivery, this.select, {
        list: delivery.finished ? 'recent' : 'active',
        trackingUrlOf: this.trackingUrlOf,
        renewTrackingLink: this.controls.renewLinks ? this.renewTrackingLink : null,
      });
    }
    if (!delivery.finished || delivery.positions.length > 0) {
      this.mapView.showPlan(delivery, this.routeOf(delivery));
    }
    this.refreshItem(delivery);
  }

  /** The list item from the delivery's state; the ETA is worked out again unless told it still holds. */
  refreshItem(delivery, { etaStillHolds = false } = {}) {
    if (!etaStillHolds) {
      refreshEta(this.state, delivery, Date.now());
    }
    this.panel.updateDeliveryItem(delivery, this.routeOf(delivery));
  }

  /** Merges positions (live or fetched) and brings the map and the list up to date with them. */
  applyPositions(delivery, messages) {
    const wasFinished = delivery.finished;
    const before = latestPosition(delivery);
    if (mergePositions(delivery, messages) === 0) {
      return;
    }
    const replaying = this.replay.deliveryId === delivery.id;
    // The route may have become known through the positions themselves (a shared link).
    this.mapView.showPlan(delivery, this.routeOf(delivery));
    if (!replaying) {
      this.mapView.showTrail(delivery);
    }
    const latest = latestPosition(delivery);
    if (latest !== before) {
      if (!replaying) {
        this.mapView.moveVehicle(delivery, latest, this.state.intervalMs);
      }
      if (this.state.cameraDeliveryId === delivery.id) {
        this.mapView.panTo(latest, this.state.intervalMs);
      }
    }
    // Only a new latest position moves the ETA: older ones filling a gap say nothing about the arrival.
    this.refreshItem(delivery, { etaStillHolds: latest === before });

    if (!wasFinished && delivery.finished) {
      this.finish(delivery);
    }
    if (hasGap(delivery)) {
      // Missed positions (registered late, or a dropped socket): fetch the stored ones to fill the gap.
      this.catchUpSoon(delivery);
    }
  }

  /** Arrived: moves to Recent. Only a delivery this page saw on the road gets a "finished" notice. */
  finish(delivery) {
    const wasFollowed = this.state.cameraDeliveryId === delivery.id;
    settleFinished(this.state, delivery);
    this.refreshItem(delivery);
    this.panel.moveToRecent(delivery);
    this.feed.unfollow(delivery.id);
    if (wasFollowed) {
      this.panel.markSelected(null, this.replay.deliveryId);
    }
    if (delivery.seenLive) {
      this.panel.showNotice(`Delivery on ${titleOf(delivery, this.routeOf(delivery))} finished`);
    }
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
        this.openReplay(delivery);
      }
      return;
    }
    const followed = toggleCamera(this.state, deliveryId);
    this.panel.markSelected(followed, this.replay.deliveryId);
    const latest = followed ? latestPosition(delivery) : null;
    if (latest) {
      this.mapView.panTo(latest, this.state.intervalMs);
    }
  }

  /** Loads the stored track if it is not held whole yet, then shows the replay controls at its start. */
  async openReplay(delivery) {
    if (!delivery.finished) {
      return;
    }
    if (delivery.device) {
      // What a device's delivery is missing cannot be told from its seqs (fix times): a replay loads it whole.
      await this.catchUp(delivery, 0);
    } else if (delivery.positions.length === 0 || hasGap(delivery) || !latestPosition(delivery).finished) {
      await this.catchUp(delivery);
    }
    const title = titleOf(delivery, this.routeOf(delivery));
    if (delivery.positions.length === 0) {
      this.panel.showNotice(`No stored track to replay for the delivery on ${title}.`, { error: true });
      return;
    }
    this.mapView.showPlan(delivery, this.routeOf(delivery));
    this.state.cameraDeliveryId = null;
    this.replay.open(delivery, title);
    this.panel.markSelected(null, delivery.id);
  }

  onReplayClosed(deliveryId) {
    this.panel.markSelected(this.state.cameraDeliveryId, null);
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
    this.follow(delivery);
    this.state.cameraDeliveryId = target.id;
    this.panel.markSelected(target.id, this.replay.deliveryId);
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

  /** Follows the delivery's positions live on the current socket (again after every reconnect). */
  follow(delivery) {
    if (delivery.finished) {
      return;
    }
    this.feed.follow(delivery.id, (position) => {
      delivery.seenLive = true;
      this.applyPositions(delivery, [position]);
    }, (err) => {
      this.panel.showNotice(`Live updates for a delivery failed: ${err.message ?? 'unknown reason'}`, { error: true });
    });
  }

  /** Follows a delivery this page just learnt is starting (by its own Start or anyone else's). */
  followStarted(deliveryId, routeId) {
    const delivery = this.ensure(deliveryId, routeId);
    delivery.seenLive = !delivery.finished;
    this.follow(delivery);
    return delivery;
  }

  onOpen() {
    const reconnected = connectionOpened(this.state);
    this.panel.setConnection(this.state.connection);
    for (const delivery of unfinishedDeliveries(this.state)) {
      this.follow(delivery);
      // Positions sent while the socket was down are only in the store: fetch them (from the first
      // missing seq; what also arrives live meanwhile is merged by seq, so no duplicate and no gap).
      if (reconnected) {
        this.catchUp(delivery);
      }
    }
    // Handlers first, then the lists: a delivery starting in between is seen by one or the other (or both,
    // and ensure makes that one delivery).
    this.syncFromServer(reconnected);
  }

  onClose() {
    connectionClosed(this.state, navigator.onLine);
    this.panel.setConnection(this.state.connection);
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
      // Someone (maybe another user) started a delivery: show it and follow it live.
      takeTrackingUrl(this.followStarted(update.deliveryId, update.routeId), update);
    } else if (update.type === 'finished') {
      const delivery = this.state.deliveries.get(update.deliveryId);
      if (delivery && !delivery.finished) {
        // The final position normally arrives on its own address; if it was missed, fetch it, and if
        // that cannot help either, still settle the delivery rather than leave it "active" forever.
        setTimeout(() => delivery.finished || this.catchUpThenSettle(delivery), this.state.intervalMs * 2);
      }
    }
  }

  /** A delivery event from the fleet's feed: news when it is about a delivery this page shows. */
  onEvent(event) {
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
    const [inTransit, started] = await Promise.all([this.api.listAll('in-transit'), this.api.listAll('started')]);
    if (inTransit === null || started === null) {
      this.panel.showNotice('Deliveries on the road could not be listed; new ones still appear live.', { error: true });
    }
    const active = byStart([...(inTransit ?? []), ...(started ?? [])].filter((s) => isDeliveryId(s?.deliveryId)));
    for (const summary of active) {
      const delivery = this.ensureFromSummary(summary);
      if (!delivery.finished) {
        this.follow(delivery);
        if (summary.status === 'in-transit' || Number.isInteger(summary.lastSeq)) {
          this.catchUp(delivery);
        }
      }
    }

    if (!this.state.recentLoaded) {
      const recent = await this.api.listPage({ status: 'finished', limit: String(RECENT_ON_LOAD) });
      if (recent) {
        this.state.recentLoaded = true;
        for (const summary of recent.items) {
          if (isDeliveryId(summary?.deliveryId) && !this.state.deliveries.has(summary.deliveryId)) {
            this.ensureFromSummary(summary);
          }
        }
      }
    }

    if (reconnected) {
      const missing = unfinishedNotListed(this.state, active.map((summary) => summary.deliveryId));
      if (missing.length > 0) {
        const finished = await this.api.listPage({ status: 'finished', limit: String(PAGE_LIMIT) });
        const finishedIds = new Set((finished?.items ?? []).map((summary) => summary.deliveryId));
        for (const delivery of missing.filter((d) => finishedIds.has(d.id))) {
          this.catchUpThenSettle(delivery);
        }
      }
    }
  }

  /** The Start button of a route. */
  async start(routeId) {
    if (!this.feed.isOpen()) {
      this.panel.showNotice('Not connected to the server; try again once the connection shows live.', { error: true });
      return;
    }
    let reply;
    try {
      reply = await this.feed.startDelivery(routeId);
    } catch (err) {
      this.panel.showNotice(`Could not start the delivery: ${err.message ?? 'unknown reason'}`, { error: true });
      return;
    }
    if (isDeliveryId(reply?.deliveryId)) {
      takeTrackingUrl(this.followStarted(reply.deliveryId, routeId), reply);
    }
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
  }
}
