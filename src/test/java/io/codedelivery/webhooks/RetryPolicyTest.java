package io.codedelivery.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Backoff doubling from a second up to its cap, jittered within it, and never past the event's time plus the retry period. */
class RetryPolicyTest {
  private static final Instant EVENT_AT = Instant.parse("2026-01-01T10:00:00Z");
  private final RetryPolicy policy = new RetryPolicy(Duration.ofHours(24), Duration.ofSeconds(60), new Random(7));

  @Test
  void intervalDoublesFromOneSecondUpToTheMaximum() {
    assertThat(policy.intervalMs(1)).isEqualTo(1_000);
    assertThat(policy.intervalMs(2)).isEqualTo(2_000);
    assertThat(policy.intervalMs(6)).isEqualTo(32_000);
    assertThat(policy.intervalMs(7)).isEqualTo(60_000);
    assertThat(policy.intervalMs(10_000)).isEqualTo(60_000);
  }

  @Test
  void nextAttemptIsJitteredWithinTheInterval() {
    long now = EVENT_AT.toEpochMilli();
    for (int attempt = 1; attempt < 200; attempt++) {
      long next = policy.nextAttemptMs(EVENT_AT, attempt, now).orElseThrow();
      assertThat(next - now).isBetween(0L, policy.intervalMs(attempt));
    }
  }

  @Test
  void givesUpOnceTheRetryPeriodIsOverAndNeverSchedulesPastIt() {
    long deadline = EVENT_AT.plus(Duration.ofHours(24)).toEpochMilli();
    assertThat(policy.nextAttemptMs(EVENT_AT, 30, deadline)).isEmpty();
    for (int i = 0; i < 100; i++) {
      assertThat(policy.nextAttemptMs(EVENT_AT, 30, deadline - 1_000).orElseThrow()).isLessThanOrEqualTo(deadline);
    }
  }
}
