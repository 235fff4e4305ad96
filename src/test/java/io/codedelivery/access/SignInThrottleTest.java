package io.codedelivery.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Failed sign-ins over the last minute, per client address and per user name: the limit-th failure closes the door
 * for both keys until the oldest counted failure is a minute old, and Retry-After says exactly when that is.
 */
class SignInThrottleTest {
  private static final int LIMIT = 10;
  private static final long T0 = 1_000_000L;
  private static final long SECOND = 1_000L;
  private static final long MINUTE = SignInThrottle.WINDOW.toMillis();

  private final SignInThrottle throttle = new SignInThrottle(LIMIT);

  private static List<String> from(String address, String user) {
    return SignInThrottle.keys(address, user);
  }

  /** {@code count} failures of the same address and user, a second apart from {@code start}. */
  private void fail(List<String> keys, int count, long start) {
    for (int i = 0; i < count; i++) {
      throttle.failed(keys, start + i * SECOND);
    }
  }

  @Test
  void theWindowIsOneMinute() {
    assertThat(SignInThrottle.WINDOW).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void oneFailureShortOfTheLimitStillLetsTheNextAttemptThrough() {
    fail(from("10.0.0.1", "dana"), LIMIT - 1, T0);

    assertThat(throttle.retryAfter(from("10.0.0.1", "dana"), T0 + LIMIT * SECOND)).isEmpty();
  }

  @Test
  void atTheLimitTheNextAttemptWaitsUntilTheOldestFailureIsAMinuteOld() {
    fail(from("10.0.0.1", "dana"), LIMIT, T0);
    long now = T0 + 15 * SECOND;

    assertThat(throttle.retryAfter(from("10.0.0.1", "dana"), now)).hasValue(Duration.ofMillis(T0 + MINUTE - now));
  }

  @Test
  void theDoorOpensTheMomentTheOldestFailureLeavesTheWindow() {
    fail(from("10.0.0.1", "dana"), LIMIT, T0);

    assertThat(throttle.retryAfter(from("10.0.0.1", "dana"), T0 + MINUTE - 1)).hasValue(Duration.ofMillis(1));
    assertThat(throttle.retryAfter(from("10.0.0.1", "dana"), T0 + MINUTE)).isEmpty();
  }

  @Test
  void failuresOlderThanAMinuteNoLongerCount() {
    fail(from("10.0.0.1", "dana"), LIMIT - 1, T0);
    long later = T0 + MINUTE + LIMIT * SECOND;
    throttle.failed(from("10.0.0.1", "dana"), later);

    assertThat(throttle.retryAfter(from("10.0.0.1", "dana"), later)).isEmpty();
  }

  @Test
  void pastTheLimitTheWaitCountsFromTheOldestOfTheLastLimitManyFailures() {
    int failures = LIMIT + 5;
    fail(from("10.0.0.1", "dana"), failures, T0);
    long now = T0 + failures * SECOND;
    long oldestCounted = T0 + (failures - LIMIT) * SECOND;

    assertThat(throttle.retryAfter(from("10.0.0.1", "dana"), now)).hasValue(Duration.ofMillis(oldestCounted + MINUTE - now));
  }

  @Test
  void anAddressGuessingManyNamesIsTurnedAwayForEveryNameButOthersAreNot() {
    IntStream.range(0, LIMIT).forEach(i -> throttle.failed(from("10.0.0.1", "user" + i), T0 + i));
    long now = T0 + SECOND;

    assertThat(throttle.retryAfter(from("10.0.0.1", "someone-new"), now)).as("same address, new name").isPresent();
    assertThat(throttle.retryAfter(from("10.0.0.2", "user0"), now)).as("another address, a name tried once").isEmpty();
  }

  @Test
  void aNameGuessedFromManyAddressesIsTurnedAwayFromEveryAddressButOtherNamesAreNot() {
    IntStream.range(0, LIMIT).forEach(i -> throttle.failed(from("10.0.0." + i, "dana"), T0 + i));
    long now = T0 + SECOND;

    assertThat(throttle.retryAfter(from("192.168.7.7", "dana"), now)).as("same name, new address").isPresent();
    assertThat(throttle.retryAfter(from("10.0.0.1", "erik"), now)).as("another name, an address tried once").isEmpty();
  }

  @Test
  void theWaitIsTheLongerOfTheTwoKeys() {
    IntStream.range(0, LIMIT).forEach(i -> throttle.failed(from("10.0.0.1", "user" + i), T0 + i * SECOND));
    IntStream.range(0, LIMIT).forEach(i -> throttle.failed(from("10.0.1." + i, "dana"), T0 + 30 * SECOND + i * SECOND));
    long now = T0 + 45 * SECOND;

    assertThat(throttle.retryAfter(from("10.0.0.1", "dana"), now)).hasValue(Duration.ofMillis(T0 + 30 * SECOND + MINUTE - now));
  }

  @Test
  void aLimitOfOneTurnsAwayTheAttemptAfterTheFirstFailure() {
    SignInThrottle strict = new SignInThrottle(1);
    strict.failed(from("10.0.0.1", "dana"), T0);

    assertThat(strict.retryAfter(from("10.0.0.1", "dana"), T0 + SECOND)).hasValue(Duration.ofMillis(MINUTE - SECOND));
  }
}
