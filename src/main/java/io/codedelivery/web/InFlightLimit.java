package io.codedelivery.web;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most so many of one kind of request at once in the whole process, whichever verticle instance takes them. Those
 * beyond are turned away at once rather than queued: a queue would only make every one of them late, and the
 * client's retry after a moment costs the store nothing meanwhile.
 */
final class InFlightLimit implements Shareable {
  private final AtomicInteger inFlight = new AtomicInteger();
  private final int max;

  private InFlightLimit(int max) {
    this.max = max;
  }

  /** The process's limit of this name, created by the first verticle instance that asks. */
  static InFlightLimit shared(Vertx vertx, String name, int max) {
    return vertx.sharedData().<String, InFlightLimit>getLocalMap(InFlightLimit.class.getName())
        .computeIfAbsent(name, n -> new InFlightLimit(max));
  }

  /** True, and counted in, if there is room; {@link #release()} must follow. */
  boolean tryAcquire() {
    if (inFlight.incrementAndGet() > max) {
      inFlight.decrementAndGet();
      return false;
    }
    return true;
  }

  void release() {
    inFlight.decrementAndGet();
  }
}
