// Test stand-ins for time: timers that fire only when a test moves the clock on.

/** Timers run only when the test says so, at the time it says. */
export function fakeClock(start = 1_000_000) {
  const clock = {
    time: start,
    timers: new Map(),
    nextId: 1,
    now: () => clock.time,
    setTimeout(fn, ms) {
      const id = clock.nextId++;
      clock.timers.set(id, { at: clock.time + ms, fn });
      return id;
    },
    clearTimeout: (id) => clock.timers.delete(id),
    /** Moves time on and fires what became due. */
    advance(ms) {
      clock.time += ms;
      for (const [id, timer] of [...clock.timers]) {
        if (timer.at <= clock.time) {
          clock.timers.delete(id);
          timer.fn();
        }
      }
    },
  };
  return clock;
}

/** Lets every promise already resolved run its continuations (the queue's and the watch's awaits). */
export const settle = () => new Promise((resolve) => setImmediate(resolve));
