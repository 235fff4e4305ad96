package io.codedelivery.access;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed sign-ins counted per client address and per user name over the last minute: past the limit on either,
 * further attempts are turned away (429 with Retry-After) until the oldest failure is a minute old. Per process, so
 * a deployment of n web pods allows up to n times the limit; guessing a password stays hopeless either way.
 */
final class SignInThrottle {
  static final Duration WINDOW = Duration.ofMinutes(1);
  /** Past this many tracked names and addresses, entries with no recent failure are dropped. */
  private static final int SWEEP_ABOVE = 10_000;

  private final int maxFailures;
  private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

  SignInThrottle(int maxFailures) {
    this.maxFailures = maxFailures;
  }

  static List<String> keys(String address, String username) {
    return List.of("address:" + address, "user:" + username);
  }

  /** How long the caller must wait, if any of the keys is over the limit. */
  Optional<Duration> retryAfter(List<String> keys, long nowMs) {
    long waitMs = 0;
    for (String key : keys) {
      Deque<Long> times = failures.get(key);
      if (times == null) {
        continue;
      }
      synchronized (times) {
        drop(times, nowMs);
        if (times.size() >= maxFailures) {
          waitMs = Math.max(waitMs, times.peekFirst() + WINDOW.toMillis() - nowMs);
        }
      }
    }
    return waitMs > 0 ? Optional.of(Duration.ofMillis(waitMs)) : Optional.empty();
  }

  void failed(List<String> keys, long nowMs) {
    if (failures.size() > SWEEP_ABOVE) {
      failures.values().removeIf(times -> {
        synchronized (times) {
          drop(times, nowMs);
          return times.isEmpty();
        }
      });
    }
    for (String key : keys) {
      Deque<Long> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
      synchronized (times) {
        times.addLast(nowMs);
        while (times.size() > maxFailures) {
          times.removeFirst();
        }
      }
    }
  }

  /** Takes back an attempt counted by {@link #failed} at {@code atMs}: it turned out right. */
  void succeeded(List<String> keys, long atMs) {
    for (String key : keys) {
      Deque<Long> times = failures.get(key);
      if (times != null) {
        synchronized (times) {
          times.removeLastOccurrence(atMs);
        }
      }
    }
  }

  private static void drop(Deque<Long> times, long nowMs) {
    while (!times.isEmpty() && times.peekFirst() <= nowMs - WINDOW.toMillis()) {
      times.removeFirst();
    }
  }
}
