package io.codedelivery.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The device cache: known ids cost no store read, unknown ones at most one a second, so new devices appear soon. */
class KnownDevicesTest {
  private final Set<String> stored = new HashSet<>(Set.of("a"));
  private final AtomicInteger loads = new AtomicInteger();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final KnownDevices devices = new KnownDevices(() -> {
    loads.incrementAndGet();
    return Future.succeededFuture(Set.copyOf(stored));
  }, nanos::get);

  private boolean known(String id) {
    return devices.isKnown(id).await();
  }

  @Test
  void aKnownDeviceIsAnsweredFromMemoryAndAnUnknownOneReloadsAtMostOnceASecond() {
    devices.reload();
    assertThat(known("a")).isTrue();
    assertThat(known("a")).isTrue();
    assertThat(loads).hasValue(1);

    stored.add("b");
    assertThat(known("b")).as("within a second of the last reload").isFalse();
    assertThat(loads).hasValue(1);

    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(KnownDevices.MISS_RELOAD_MS));
    assertThat(known("b")).as("a second later: reloaded").isTrue();
    assertThat(loads).hasValue(2);
    assertThat(known("c")).isFalse();
    assertThat(loads).hasValue(2);
  }

  @Test
  void aStoreThatCannotBeReadIsAnErrorNotAnUnknownDevice() {
    KnownDevices away = new KnownDevices(() -> Future.failedFuture("store away"), nanos::get);
    assertThat(away.isKnown("a").failed()).isTrue();
    assertThat(away.isKnown("a").failed()).as("within the second, without another read").isTrue();
  }
}
