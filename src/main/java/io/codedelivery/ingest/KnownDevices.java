package io.codedelivery.ingest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The registered unique ids with each device's login (its secret's hash, if it has one), held in memory so that a fix
 * from a known device costs no store round trip. Used on one
 * event loop only (each ingest verticle instance has its own).
 * <p>
 * Staleness bound: the whole set is reloaded every {@link #REFRESH_MS}, and a request from an id not in it is answered
 * only after a reload that started after the request, so a device is accepted from the moment its registration was
 * answered. Such reloads start at most once per {@link #MISS_RELOAD_MS}: requests that miss meanwhile share the next
 * one, so a flood of unknown ids costs at most one store read a second (and each of them waits up to that second for
 * its 400). A removed device's fixes are still accepted for up to {@link #REFRESH_MS}, and so is the secret of a
 * device removed and registered again with another.
 */
final class KnownDevices {
  static final long REFRESH_MS = 30_000;
  static final long MISS_RELOAD_MS = 1_000;

  /** Runs an action after a delay, on the caller's event loop ({@code vertx.setTimer} in production). */
  interface Scheduler {
    void after(long delayMs, Runnable action);
  }

  private final Supplier<Future<Map<String, DeviceLogin>>> load;
  private final LongSupplier nanoTime;
  private final Scheduler scheduler;
  private Map<String, DeviceLogin> devices = Map.of();
  private Future<Map<String, DeviceLogin>> loading;
  /** The reload that misses are waiting for, not started yet; null when none is scheduled. */
  private Future<Map<String, DeviceLogin>> nextReload;
  /** When the last reload started; meaningless until {@link #everLoaded}. */
  private long lastLoadNanos;
  private boolean everLoaded;

  KnownDevices(Supplier<Future<Map<String, DeviceLogin>>> load, LongSupplier nanoTime, Scheduler scheduler) {
    this.load = load;
    this.nanoTime = nanoTime;
    this.scheduler = scheduler;
  }

  /** Reloads the set (joining a reload already running). */
  Future<Map<String, DeviceLogin>> reload() {
    if (loading != null) {
      return loading;
    }
    lastLoadNanos = nanoTime.getAsLong();
    everLoaded = true;
    Future<Map<String, DeviceLogin>> started = load.get();
    // Set before the handler below is added: a load that completed already runs it at once, and it must find this.
    loading = started;
    started.onComplete(done -> {
      loading = null;
      if (done.succeeded()) {
        devices = done.result();
      }
    });
    return started;
  }

  /**
   * The device's login when the id is registered, empty when it is not: at once from memory when it is, else from a
   * reload that starts after this call. Fails only when that reload fails (the store is away), so the phone is told to
   * try again rather than that its device is unknown.
   */
  Future<Optional<DeviceLogin>> find(String uniqueId) {
    DeviceLogin known = devices.get(uniqueId);
    if (known != null) {
      return Future.succeededFuture(Optional.of(known));
    }
    return reloadStartingLater().map(loaded -> Optional.ofNullable(loaded.get(uniqueId)));
  }

  /**
   * A reload that starts no earlier than now: at once when none is running and none started within
   * {@link #MISS_RELOAD_MS}, else one scheduled for when both hold, shared by every miss until it starts.
   */
  private Future<Map<String, DeviceLogin>> reloadStartingLater() {
    if (nextReload != null) {
      return nextReload;
    }
    long waitNanos = everLoaded ? lastLoadNanos + TimeUnit.MILLISECONDS.toNanos(MISS_RELOAD_MS) - nanoTime.getAsLong() : 0;
    if (waitNanos <= 0 && loading == null) {
      return reload();
    }
    Promise<Map<String, DeviceLogin>> scheduled = Promise.promise();
    nextReload = scheduled.future();
    scheduler.after(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)), () -> {
      // A reload still running began before the misses waiting here: theirs starts once it has ended.
      Future<Void> previous = loading == null ? Future.succeededFuture() : loading.<Void>mapEmpty().otherwiseEmpty();
      previous.onComplete(v -> {
        nextReload = null;
        reload().onComplete(scheduled);
      });
    });
    return nextReload;
  }
}
