// The driver page's outbox: every fix is kept (in memory and in Web Storage, so a reload or a crashed tab
// loses none) until the ingestion role answered 200 for it, and fixes are sent strictly one at a time in the
// order they were taken. The server orders late fixes by their own time anyway; sending in order keeps the
// operator's map moving forwards while a backlog drains.
//
// Storage layout: one key per fix plus head and tail counters, so adding or removing a fix writes a few
// bytes instead of rewriting the whole backlog (hours of fixes after a long tunnel).

export const FIRST_RETRY_MS = 1_000;
export const MAX_RETRY_MS = 60_000;
/** Fixes kept at most (~1.5 MB of storage); beyond it the oldest go, the newest matter most for tracking. */
export const MAX_QUEUED = 10_000;
export const STORAGE_PREFIX = 'codeDelivery.driver.outbox';

const realClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle),
};

/**
 * What to do after one attempt: 'sent' (2xx: the server has the fix), 'retry' (no answer, a timeout, busy or
 * a server error: the same fix again later) or 'stop' (any other 4xx: unknown device or a fix the server
 * refuses; sending it again would get the same answer, so the driver has to act).
 */
export function outcomeOf(status) {
  if (status >= 200 && status < 300) {
    return 'sent';
  }
  if (status === 0 || status === 408 || status === 425 || status === 429 || status >= 500) {
    return 'retry';
  }
  return 'stop';
}

/**
 * The wait before retry number `failures` (1, 2, …): doubling from FIRST_RETRY_MS up to MAX_RETRY_MS, the upper
 * half of it picked at random so a fleet of phones back online at once does not retry in lockstep. A server's
 * Retry-After wins when it says longer.
 */
export function retryDelayMs(failures, random, retryAfterMs = null) {
  const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2));
  return retryAfterMs !== null && retryAfterMs > jittered ? Math.min(retryAfterMs, MAX_RETRY_MS) : jittered;
}

export class FixQueue {
  /**
   * @param {object} options
   * @param {(fix: object) => Promise<{status: number, reason?: string, retryAfterMs?: number}>} options.post
   *   one attempt; status 0 (or a rejection) means no answer
   * @param {Storage|null} options.storage Web Storage, or null to keep fixes in memory only
   * @param {() => void} [options.onChange] called after every change of what snapshot() answers
   * @param {() => void} [options.onSent] called after each fix the server accepted
   */
  constructor({ post, storage = null, onChange = () => {}, onSent = () => {}, clock = realClock, random = Math.random,
    maxQueued = MAX_QUEUED, prefix = STORAGE_PREFIX }) {
    this.post = post;
    this.storage = storage;
    this.onChange = onChange;
    this.onSent = onSent;
    this.clock = clock;
    this.random = random;
    this.maxQueued = maxQueued;
    this.prefix = prefix;
    this.entries = [];
    this.head = 0;
    this.tail = 0;
    this.inFlight = false;
    this.timer = null;
    this.retryAt = null;
    this.failures = 0;
    this.stopped = null;
    this.lastError = null;
    this.lastSentAt = null;
    this.dropped = 0;
    this.storageFailed = false;
    this.load();
  }

  get length() {
    return this.entries.length;
  }

  /** What the page shows: the backlog, the last success and why nothing is being sent, if that is the case. */
  snapshot() {
    let state = 'idle';
    if (this.stopped) {
      state = 'stopped';
    } else if (this.inFlight) {
      state = 'sending';
    } else if (this.timer !== null) {
      state = 'waiting';
    }
    return {
      length: this.entries.length,
      state,
      lastSentAt: this.lastSentAt,
      retryAt: this.retryAt,
      lastError: this.lastError,
      stopped: this.stopped,
      dropped: this.dropped,
      persisted: this.storage !== null && !this.storageFailed,
    };
  }

  /** Queues a fix behind every earlier one and sends when nothing is ahead of it. */
  add(fix) {
    const entry = { index: this.tail, fix };
    this.entries.push(entry);
    this.tail += 1;
    this.write(this.key(entry.index), JSON.stringify(fix));
    this.write(this.key('tail'), String(this.tail));
    while (this.entries.length > this.maxQueued) {
      this.removeFirst();
      this.dropped += 1;
    }
    this.changed();
    this.pump();
  }

  /** Sends now: after a stop the driver fixed (device registered, say), or when the browser is back online. */
  retryNow() {
    this.stopped = null;
    this.failures = 0;
    this.cancelTimer();
    this.changed();
    this.pump();
  }

  /** Forgets every queued fix (the driver's choice after a stop the server will keep giving). */
  discardAll() {
    while (this.entries.length > 0) {
      this.removeFirst();
    }
    this.stopped = null;
    this.failures = 0;
    this.cancelTimer();
    this.changed();
  }

  async pump() {
    if (this.inFlight || this.stopped || this.timer !== null || this.entries.length === 0) {
      return;
    }
    const entry = this.entries[0];
    this.inFlight = true;
    this.changed();
    let result;
    try {
      result = await this.post(entry.fix);
    } catch (error) {
      result = { status: 0, reason: error?.message || 'no answer' };
    }
    this.inFlight = false;
    const outcome = outcomeOf(result.status);
    if (outcome === 'sent') {
      // The entry may have left meanwhile (discarded, or dropped as the oldest of a full outbox).
      if (this.entries[0] === entry) {
        this.removeFirst();
      }
      this.failures = 0;
      this.lastError = null;
      this.lastSentAt = this.clock.now();
      this.write(this.key('lastSentAt'), String(this.lastSentAt));
      this.changed();
      this.onSent();
      this.pump();
    } else if (outcome === 'retry') {
      this.failures += 1;
      this.lastError = result.reason || (result.status ? `HTTP ${result.status}` : 'no answer');
      const delay = retryDelayMs(this.failures, this.random, result.retryAfterMs ?? null);
      this.retryAt = this.clock.now() + delay;
      this.timer = this.clock.setTimeout(() => {
        this.timer = null;
        this.retryAt = null;
        this.pump();
      }, delay);
      this.changed();
    } else {
      this.stopped = { status: result.status, reason: result.reason || `HTTP ${result.status}` };
      this.changed();
    }
  }

  cancelTimer() {
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
      this.retryAt = null;
    }
  }

  removeFirst() {
    const entry = this.entries.shift();
    this.remove(this.key(entry.index));
    this.head = this.entries.length > 0 ? this.entries[0].index : this.tail;
    this.write(this.key('head'), String(this.head));
  }

  changed() {
    this.onChange(this.snapshot());
  }

  key(name) {
    return `${this.prefix}.${name}`;
  }

  /** What an earlier page left: the fixes between head and tail that can still be read, in order. */
  load() {
    if (this.storage === null) {
      return;
    }
    try {
      const head = Number.parseInt(this.storage.getItem(this.key('head')) ?? '0', 10);
      const tail = Number.parseInt(this.storage.getItem(this.key('tail')) ?? '0', 10);
      const lastSentAt = Number.parseInt(this.storage.getItem(this.key('lastSentAt')) ?? '', 10);
      this.lastSentAt = Number.isFinite(lastSentAt) ? lastSentAt : null;
      if (!Number.isSafeInteger(head) || !Number.isSafeInteger(tail) || head < 0 || tail < head) {
        return;
      }
      // Only the newest maxQueued can be wanted; older keys (if any) are left to be overwritten, never read.
      for (let index = Math.max(head, tail - this.maxQueued); index < tail; index++) {
        const fix = parseFix(this.storage.getItem(this.key(index)));
        if (fix) {
          this.entries.push({ index, fix });
        }
      }
      this.head = this.entries.length > 0 ? this.entries[0].index : tail;
      this.tail = tail;
    } catch {
      this.storageFailed = true;
    }
  }

  write(key, value) {
    if (this.storage === null) {
      return;
    }
    try {
      this.storage.setItem(key, value);
    } catch {
      // Full or forbidden (private browsing): the fixes still go from memory, only a reload would lose them.
      this.storageFailed = true;
    }
  }

  remove(key) {
    if (this.storage === null) {
      return;
    }
    try {
      this.storage.removeItem(key);
    } catch {
      this.storageFailed = true;
    }
  }
}

function parseFix(text) {
  if (text === null) {
    return null;
  }
  try {
    const fix = JSON.parse(text);
    return fix && typeof fix === 'object' && typeof fix.id === 'string' ? fix : null;
  } catch {
    return null;
  }
}

/**
 * The connection badge: {text, tone} with tone 'online' (the server took the last fix), 'waiting' (retrying), or
 * 'offline' (the browser says so, or nothing was sent yet) and 'stopped' (the server refused a fix).
 */
export function outboxStatus(snapshot, browserOnline, now) {
  if (snapshot.stopped) {
    return { text: 'stopped', tone: 'offline' };
  }
  if (!browserOnline) {
    return { text: 'offline', tone: 'offline' };
  }
  if (snapshot.state === 'waiting') {
    const seconds = Math.max(0, Math.ceil((snapshot.retryAt - now) / 1000));
    return { text: `retrying in ${seconds} s`, tone: 'waiting' };
  }
  return snapshot.lastSentAt === null ? { text: 'not sent yet', tone: 'waiting' } : { text: 'online', tone: 'online' };
}
