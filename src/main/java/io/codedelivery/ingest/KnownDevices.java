package io.codedelivery.ingest;

import io.vertx.core.Future;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The registered unique ids, held in memory so that a fix from a known device costs no store round trip. Used on one
 * event loop only (each ingest verticle instance has its own).
 * <p>
 * Staleness bound: the whole set is reloaded every {@link #REFRESH_MS}, and a request from an id not in it reloads it
 * at once unless a reload started within the last {@link #MISS_RELOAD_MS}. So a newly registered device is accepted
 * from about one second after its registration (a phone that got 400 before that gets 200 on its next attempt), and a
 * removed device's fixes are still accepted for up to {@link #REFRESH_MS}. A flood of requests naming unknown devices
 * costs at most one store read per second.
 */
final class KnownDevices {
  static final long REFRESH_MS = 30_000;
  static final long MISS_RELOAD_MS = 1_000;

  private final Supplier<Future<Set<String>>> load;
  private final LongSupplier nanoTime;
  private Set<String> ids = Set.of();
  private Future<Set<String>> loading;
  /** When the last reload started; far in the past until the first one. */
  private long lastLoadNanos;
  private boolean everLoaded;
  /** Why the last reload failed; null once one succeeded. */
  private Throwable lastFailure;

  KnownDevices(Supplier<Future<Set<String>>> load, LongSupplier nanoTime) {
    this.load = load;
    this.nanoTime = nanoTime;
  }

  /** Reloads the set (joining a reload already running). */
  Future<Set<String>> reload() {
    if (loading != null) {
      return loading;
    }
    lastLoadNanos = nanoTime.getAsLong();
    everLoaded = true;
    Future<Set<String>> started = load.get();
    // Set before the handler below is added: a load that completed already runs it at once, and it must find this.
    loading = started;
    started.onComplete(done -> {
      loading = null;
      lastFailure = done.cause();
      if (done.succeeded()) {
        ids = done.result();
      }
    });
    return started;
  }

  /**
   * Whether the id is registered: at once from memory when it is, else after a reload if none started within the
   * last second. Fails only when that reload fails (the store is away), so the phone is told to try again rather
   * than that its device is unknown.
   */
  Future<Boolean> isKnown(String uniqueId) {
    if (ids.contains(uniqueId)) {
      return Future.succeededFuture(true);
    }
    boolean reloadedRecently = everLoaded && nanoTime.getAsLong() - lastLoadNanos < TimeUnit.MILLISECONDS.toNanos(MISS_RELOAD_MS);
    if (reloadedRecently && loading == null) {
      return lastFailure == null ? Future.succeededFuture(false) : Future.failedFuture(lastFailure);
    }
    return reload().map(loaded -> loaded.contains(uniqueId));
  }
}
