// Replay of a finished delivery: play/pause, speed and a time slider over its stored track, moving the
// vehicle along the stored points at the pace of their stored timestamps (times the chosen speed).

import { formatClock, formatDuration } from './format.js';
import { replayFrame, replayOffsets } from './replay-track.js';

const SPEEDS = [1, 4, 16];
// A frame gap longer than this (a hidden tab, a stalled machine) counts as this much, so the vehicle
// never leaps along the route when the page comes back.
const MAX_FRAME_MS = 250;

const byId = (id) => document.getElementById(id);

export class Replay {
  /**
   * @param {import('./map-view.js').MapView} mapView
   * @param {{intervalMs: number, onClose?: (deliveryId: string) => void}} options
   */
  constructor(mapView, { intervalMs, onClose = () => {} }) {
    this.mapView = mapView;
    this.intervalMs = intervalMs;
    this.onClose = onClose;
    this.delivery = null;
    this.points = [];
    this.offsets = [];
    this.clock = 0; // ms of track time since the first point
    this.index = 0;
    this.playing = false;
    this.done = false;
    this.speed = 1;
    this.frame = null;
    this.lastFrameAt = null;

    this.section = byId('replay');
    this.title = byId('replay-title');
    this.play = byId('replay-play');
    this.speedSelect = byId('replay-speed');
    this.slider = byId('replay-slider');
    this.time = byId('replay-time');
    this.close = byId('replay-close');

    this.play.addEventListener('click', () => this.toggle());
    this.speedSelect.addEventListener('change', () => this.setSpeed(Number(this.speedSelect.value)));
    this.slider.addEventListener('input', () => this.seek(Number(this.slider.value)));
    // A page whose replay stays open (the customer's, where it is the whole view of a delivered order) has no Close.
    if (this.close) {
      this.close.addEventListener('click', () => this.stop());
      // Escape closes the replay from anywhere inside its controls.
      this.section.addEventListener('keydown', (event) => {
        if (event.key === 'Escape') {
          this.stop();
        }
      });
    }
    this.tick = this.tick.bind(this);
  }

  get deliveryId() {
    return this.delivery ? this.delivery.id : null;
  }

  duration() {
    return this.offsets.length ? this.offsets[this.offsets.length - 1] : 0;
  }

  /**
   * Shows the controls for this delivery, its vehicle back at the start; playback waits for Play. takeFocus: the
   * keyboard focus moves to the replay's heading (opened from a list, so the controls are the next Tab away).
   */
  open(delivery, title, { takeFocus = false } = {}) {
    if (this.delivery && this.delivery !== delivery) {
      this.stop({ quiet: true });
    }
    this.delivery = delivery;
    this.points = delivery.positions.slice();
    this.offsets = replayOffsets(this.points, this.intervalMs);
    this.clock = 0;
    this.done = false;
    this.pause();

    this.title.textContent = `Replay: ${title}`;
    this.slider.min = '0';
    this.slider.max = String(Math.max(0, this.points.length - 1));
    this.slider.value = '0';
    this.speedSelect.value = String(this.speed);
    this.section.hidden = false;
    this.render();
    // The controls cover the bottom of the map: frame the route in the part still visible.
    const mapBottom = this.section.offsetParent ? this.section.offsetParent.clientHeight : 0;
    const inset = mapBottom > 0 ? mapBottom - this.section.offsetTop : this.section.offsetHeight;
    this.mapView.frame(delivery, { bottomInset: Math.max(0, inset) });
    if (takeFocus) {
      this.title.focus();
    }
  }

  /** Closes the replay and leaves the delivery drawn whole again, its vehicle at the destination. */
  stop({ quiet = false } = {}) {
    const delivery = this.delivery;
    if (!delivery) {
      return;
    }
    this.pause();
    this.delivery = null;
    this.section.hidden = true;
    this.mapView.showTrail(delivery);
    const last = delivery.positions[delivery.positions.length - 1];
    if (last) {
      this.mapView.placeVehicle(delivery, last.lat, last.lon);
    }
    if (!quiet) {
      this.onClose(delivery.id);
    }
  }

  toggle() {
    if (this.playing) {
      this.pause();
    } else {
      this.start();
    }
  }

  start() {
    if (!this.delivery) {
      return;
    }
    if (this.done || this.clock >= this.duration()) {
      // Play at the end starts over.
      this.clock = 0;
      this.done = false;
    }
    this.playing = true;
    this.lastFrameAt = null;
    this.updateControls();
    this.frame = requestAnimationFrame(this.tick);
  }

  pause() {
    this.playing = false;
    if (this.frame !== null) {
      cancelAnimationFrame(this.frame);
      this.frame = null;
    }
    this.updateControls();
  }

  setSpeed(speed) {
    this.speed = SPEEDS.includes(speed) ? speed : 1;
    this.speedSelect.value = String(this.speed);
  }

  /** Jumps to stored point index (the slider); keeps playing if it was. */
  seek(index) {
    if (!this.delivery || this.points.length === 0) {
      return;
    }
    const clamped = Math.min(Math.max(0, Math.round(index)), this.points.length - 1);
    this.clock = this.offsets[clamped];
    this.done = clamped === this.points.length - 1;
    if (this.done && this.playing) {
      this.pause();
    }
    this.render();
  }

  tick(now) {
    this.frame = null;
    if (!this.playing) {
      return;
    }
    const elapsed = this.lastFrameAt === null ? 0 : Math.min(MAX_FRAME_MS, now - this.lastFrameAt);
    this.lastFrameAt = now;
    this.clock = Math.min(this.duration(), this.clock + elapsed * this.speed);
    if (this.clock >= this.duration()) {
      this.done = true;
      this.render();
      this.pause();
      return;
    }
    this.render();
    this.frame = requestAnimationFrame(this.tick);
  }

  /** Vehicle, trail, slider and time text for the current clock. */
  render() {
    const points = this.points;
    const frame = replayFrame(points, this.offsets, this.clock, this.done);
    if (frame === null) {
      this.index = 0;
      this.updateControls();
      return;
    }
    const index = frame.index;
    this.index = index;
    this.mapView.showTrailPoints(this.delivery, frame.trail);
    this.mapView.placeVehicle(this.delivery, frame.lat, frame.lon);

    this.slider.value = String(index);
    const stamp = Date.parse(points[index].timestamp ?? '');
    const clockText = Number.isFinite(stamp) ? formatClock(stamp) : `point ${index + 1}`;
    this.slider.setAttribute('aria-valuetext', `Point ${index + 1} of ${points.length}, ${clockText}`);
    this.time.textContent = `${formatDuration(this.clock)} / ${formatDuration(this.duration())} · ${clockText}`;
    this.updateControls();
  }

  updateControls() {
    const label = this.playing ? 'Pause replay' : this.done ? 'Replay again from the start' : 'Play replay';
    this.play.textContent = this.playing ? 'Pause' : this.done ? 'Replay' : 'Play';
    this.play.setAttribute('aria-label', label);
    this.section.classList.toggle('playing', this.playing);
    this.section.classList.toggle('done', this.done);
  }
}
