// The customer tracking page (/track/<token>), entry point: one delivery only, read through its link's token.
// SockJS, EventBus and Leaflet (L) are globals from the classic scripts loaded before this module.
//
// Built from the console's parts where they fit: map-view.js (what is drawn), live-feed.js (the event bus, here
// following one delivery with the link's token), replay.js (the replay once delivered) and deliveries.js (merge by
// seq). Its own: track-api.js (the token, its reads and its refusals), track-state.js (the delivery's figures),
// track-text.js (their words), track-timeline.js (its events as a status timeline) and track-view.js (the page
// around the map).

import { firstMissingSeq, hasGap, latestPosition } from './deliveries.js';
import { LiveFeed } from './live-feed.js';
import { MapView } from './map-view.js';
import { Replay } from './replay.js';
import { createTrackApi, isFinalProblem, LINK_MESSAGES, tokenFromPath } from './track-api.js';
import { applyDeliveryJson, applyPositions, createTracking, figuresOf } from './track-state.js';
import { addEvents, createTimeline, entriesOf } from './track-timeline.js';
import * as view from './track-view.js';

// "Last update N s ago" counts in seconds.
const TICK_MS = 1000;
// The store records a position shortly after it is published live: a gap is fetched a moment later, not at once.
const STORE_LAG_MS = 1000;
// A trip of half an hour replays in about two minutes; the speed menu offers the others.
const REPLAY_SPEED = 16;
// A first read the server could not answer is tried again after this long.
const RETRY_MS = 5000;
// Once the delivery ended, its last event is read this often, this many times, until the timeline has it: the
// events stage records it a moment after the final position, and the live feed is closed by then.
const FINAL_EVENT_RETRY_MS = 2000;
const FINAL_EVENT_READS = 5;

class TrackPage {
  constructor({ api, tracking, mapView, replay, feed }) {
    this.api = api;
    this.tracking = tracking;
    this.mapView = mapView;
    this.replay = replay;
    this.feed = feed;
    this.timeline = createTimeline();
    this.reads = Promise.resolve(); // track reads, one after the other, so their merges never interleave
    this.catchUpPending = false;
    this.ending = null; // the work done once when the delivery ends
    this.stopped = false; // the link stopped working while the page was open
    this.ticker = null;
  }

  get delivery() {
    return this.tracking.delivery;
  }

  /** Draws the route and the destination, takes the stored track, frames it all, then follows the delivery live. */
  async open() {
    const { delivery, route, destination } = this.tracking;
    if (route) {
      this.mapView.showPlan(delivery, { ...route, endPosition: destination ?? undefined });
    } else if (destination) {
      this.mapView.showDestination(delivery, destination);
    }
    const spot = figuresOf(this.tracking).vehicle;
    if (spot) {
      this.mapView.placeVehicle(delivery, spot.lat, spot.lon);
    }
    this.render();
    this.ticker = setInterval(() => this.render(), TICK_MS);

    await this.catchUp(0);
    this.mapView.frameAll(delivery);
    if (delivery.finished) {
      // Its live events are over: the stored ones are the whole timeline (ended() reads them).
      await this.ended();
    } else if (!this.stopped) {
      this.feed.connect();
    }
  }

  render() {
    if (!this.stopped) {
      view.render(figuresOf(this.tracking), Date.now());
    }
  }

  /** Merges positions (live or stored) and brings the map and the words up to date with them. */
  take(messages) {
    const delivery = this.delivery;
    const before = latestPosition(delivery);
    const { added, ended } = applyPositions(this.tracking, messages);
    if (added > 0 && this.replay.deliveryId === null) {
      this.mapView.showTrail(delivery);
      const latest = latestPosition(delivery);
      if (latest !== before) {
        this.mapView.moveVehicle(delivery, latest, this.tracking.intervalMs);
        if (!this.mapView.inView(latest)) {
          this.mapView.frameAll(delivery);
        }
      }
    }
    this.render();
    if (ended) {
      this.ended();
    } else if (hasGap(delivery)) {
      this.catchUpSoon();
    }
  }

  /**
   * Takes events (stored or live) into the status timeline, once per event id; the live ones that are new are read
   * out. Nothing is shown once the link stopped working.
   */
  takeEvents(events, { live = false } = {}) {
    const added = addEvents(this.timeline, events);
    if (added.length > 0 && !this.stopped) {
      view.renderTimeline(entriesOf(this.timeline), live ? added : []);
    }
  }

  /**
   * The events so far, from the store, merged with the live ones by id. A read that fails (the server busy, or one
   * without the events read yet) leaves the timeline to the live events: the link's own reads tell of a bad link.
   */
  async loadEvents() {
    const answer = await this.api.events();
    if (answer.value) {
      this.takeEvents(answer.value.events);
    }
  }

  /** The events up to the one that ended the delivery (delivered, cancelled), read a few times until it is there. */
  async loadFinalEvent() {
    for (let read = 0; read < FINAL_EVENT_READS && !this.stopped; read++) {
      if (read > 0) {
        await new Promise((resolve) => setTimeout(resolve, FINAL_EVENT_RETRY_MS));
      }
      await this.loadEvents();
      if (entriesOf(this.timeline).some((entry) => entry.type === 'delivered' || entry.type === 'cancelled')) {
        return;
      }
    }
  }

  /**
   * Reads the stored track from fromSeq on (by default from the first seq not held) and merges it by seq: overlap
   * with live positions is dropped, holes are filled. Reads queue up behind one another.
   */
  catchUp(fromSeq = null) {
    this.reads = this.reads.then(async () => {
      if (this.stopped) {
        return;
      }
      const answer = await this.api.positions(fromSeq ?? firstMissingSeq(this.delivery));
      if (answer.problem) {
        this.refused(answer.problem);
      } else {
        this.take(answer.value);
      }
    });
    return this.reads;
  }

  /** A gap in live positions is filled from the store a moment later (once it has recorded them), once per gap. */
  catchUpSoon() {
    if (this.catchUpPending) {
      return;
    }
    this.catchUpPending = true;
    setTimeout(() => {
      this.catchUpPending = false;
      if (hasGap(this.delivery)) {
        this.catchUp();
      }
    }, Math.max(STORE_LAG_MS, this.tracking.intervalMs * 2));
  }

  /**
   * The delivery ended (once): live updates stop; the server says how and when; once delivered, the whole stored
   * track is drawn with the replay's controls.
   */
  ended() {
    this.ending ??= (async () => {
      this.feed.unfollow(this.delivery.id);
      this.feed.close();
      view.setReconnecting(false);
      const answer = await this.api.delivery();
      if (answer.problem) {
        this.refused(answer.problem);
      } else {
        applyDeliveryJson(this.tracking, answer.value);
      }
      // Not awaited: the replay need not wait for the last words of the timeline.
      this.loadFinalEvent();
      // A device's seqs are fix times, so what it is missing cannot be told from them: its replay reads it whole.
      if (this.delivery.device) {
        await this.catchUp(0);
      } else if (hasGap(this.delivery) || this.delivery.positions.length === 0) {
        await this.catchUp();
      }
      this.render();
      if (!this.stopped && this.tracking.outcome === 'delivered' && this.delivery.positions.length > 0) {
        this.showReplay();
      }
    })();
    return this.ending;
  }

  /** The replay controls, at the end of the trip: the whole track drawn, the vehicle at the door; Play starts over. */
  showReplay() {
    this.replay.setSpeed(REPLAY_SPEED);
    this.replay.open(this.delivery, 'the whole trip');
    this.replay.seek(this.delivery.positions.length - 1);
  }

  /** The link stopped working while open (revoked, expired): say so, and show nothing more of the delivery. */
  refused(problem) {
    if (!isFinalProblem(problem) || this.stopped) {
      return;
    }
    this.stopped = true;
    clearInterval(this.ticker);
    this.feed.close();
    this.replay.pause();
    view.showProblem(LINK_MESSAGES[problem]);
  }

  // ---- Live feed --------------------------------------------------------------------------------

  /** (Re)connected: follow the delivery on this socket, then fetch whatever was published while away. */
  onOpen() {
    view.setReconnecting(false);
    if (this.delivery.finished || this.stopped) {
      return;
    }
    this.feed.follow(this.delivery.id, (position) => this.take([position]), () => this.recheckLink());
    this.feed.followEvents(this.delivery.id, (event) => this.takeEvents([event], { live: true }), () => this.recheckLink());
    // Handlers first, then the reads: what happens in between comes by one or the other, merged by seq and by id.
    this.catchUp();
    this.loadEvents();
  }

  onClose() {
    view.setReconnecting(!this.delivery.finished && !this.stopped);
  }

  /** The bridge refused something (access_denied to a link revoked meanwhile): the link's own read says why. */
  async recheckLink() {
    const answer = await this.api.delivery();
    if (answer.problem) {
      this.refused(answer.problem);
    }
  }
}

/** The map's tile URL, from the pages' settings; blank (no tiles) when they cannot be read. */
async function tilesUrlOf(api) {
  const tilesUrl = (await api.pageConfig()).value?.tilesUrl;
  return typeof tilesUrl === 'string' ? tilesUrl : '';
}

async function main() {
  const token = tokenFromPath(window.location.pathname);
  if (token === null) {
    view.showProblem(LINK_MESSAGES.invalid_link);
    return;
  }
  const api = createTrackApi(token);
  const answer = await api.delivery();
  if (answer.problem) {
    view.showProblem(LINK_MESSAGES[answer.problem]);
    if (!isFinalProblem(answer.problem)) {
      setTimeout(main, RETRY_MS);
    }
    return;
  }
  const tracking = createTracking(answer.value);
  // The map's area shows before Leaflet measures it.
  view.showDelivery(tracking);
  const mapView = new MapView(document.getElementById('map'), await tilesUrlOf(api), view.showTilesNote);
  const replay = new Replay(mapView, { intervalMs: tracking.intervalMs });
  let page = null;
  const feed = new LiveFeed({
    onOpen: () => page.onOpen(),
    onClose: () => page.onClose(),
    onError: () => page.recheckLink(),
  }, { headers: { authorization: `Bearer ${token}` } });
  page = new TrackPage({ api, tracking, mapView, replay, feed });
  await page.open();
}

main();
