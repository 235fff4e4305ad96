// How often the driver page asks for the device's active delivery: every interval while the server answers;
// less often (up to MAX_BACKOFF_FACTOR intervals) while it does not (offline in a tunnel: no battery spent on
// reads that fail), and again at once when fixes are accepted (the network is back), though never more often
// than the interval. One watch per device: a stopped watch is not started again.

export const DELIVERY_POLL_MS = 15_000;
const MAX_BACKOFF_FACTOR = 4;

const realClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle),
};

export class DeliveryWatch {
  /**
   * @param {() => Promise<object>} load one read of the active delivery
   * @param {(result: object) => void} onResult what the read answered
   */
  constructor({ load, onResult, clock = realClock, intervalMs = DELIVERY_POLL_MS }) {
    this.load = load;
    this.onResult = onResult;
    this.clock = clock;
    this.intervalMs = intervalMs;
    this.timer = null;
    this.lastPollAt = null;
    this.inFlight = false;
    this.running = false;
    this.failures = 0;
  }

  start() {
    this.running = true;
    this.poll();
  }

  stop() {
    this.running = false;
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** Asks now (fixes were accepted, so the server is reachable), unless the last read was less than an interval ago. */
  nudge() {
    if (this.running && !this.inFlight && (this.lastPollAt === null || this.clock.now() - this.lastPollAt >= this.intervalMs)) {
      this.poll();
    }
  }

  /** Reads now, unless a read is already on its way (its answer comes soon enough). */
  async poll() {
    if (this.inFlight) {
      return;
    }
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
    this.inFlight = true;
    this.lastPollAt = this.clock.now();
    const result = await this.load();
    this.inFlight = false;
    if (!this.running) {
      return;
    }
    this.onResult(result);
    this.failures = result?.state === 'unknown' ? this.failures + 1 : 0;
    const factor = Math.min(MAX_BACKOFF_FACTOR, 2 ** this.failures);
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.poll();
    }, this.intervalMs * factor);
  }
}
