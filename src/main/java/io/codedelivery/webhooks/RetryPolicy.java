package io.codedelivery.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;

/**
 * When a delivery whose attempt failed is tried next: exponential backoff from {@link #FIRST_INTERVAL_MS}, doubling
 * per attempt up to {@code webhook.retry.max.interval.seconds}, with full jitter (a uniform wait between zero and the
 * interval) so endpoints coming back are not hit by every queued delivery at once; never after its event's time plus
 * {@code webhook.retry.hours}, when the delivery is given up.
 */
final class RetryPolicy {
  static final long FIRST_INTERVAL_MS = 1_000;

  private final Duration retryFor;
  private final long maxIntervalMs;
  private final RandomGenerator random;

  RetryPolicy(Duration retryFor, Duration maxInterval, RandomGenerator random) {
    this.retryFor = retryFor;
    this.maxIntervalMs = maxInterval.toMillis();
    this.random = random;
  }

  /**
   * When to try again after the given number of failed attempts (1 after the first); empty when the delivery's
   * time is up and it is to be marked failed.
   */
  OptionalLong nextAttemptMs(Instant eventAt, int failedAttempts, long nowMs) {
    long deadlineMs = eventAt.plus(retryFor).toEpochMilli();
    if (nowMs >= deadlineMs) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.min(deadlineMs, nowMs + random.nextLong(intervalMs(failedAttempts) + 1)));
  }

  /** The upper bound of the wait after this many failed attempts: 1 s, 2 s, 4 s… up to the maximum. */
  long intervalMs(int failedAttempts) {
    // Forty doublings of a second are far past any maximum, and still far from overflowing.
    int doublings = Math.min(Math.max(failedAttempts - 1, 0), 40);
    return Math.min(FIRST_INTERVAL_MS << doublings, maxIntervalMs);
  }
}
