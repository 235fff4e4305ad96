package io.codedelivery.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The device cache: known ids cost no store read; an unknown one is answered from a reload begun after it was asked,
 * so a device is accepted as soon as its registration was answered, at no more than one read a second.
 */
class KnownDevicesTest {
  private final Set<String> stored = new HashSet<>(Set.of("a"));
  private final AtomicInteger loads = new AtomicInteger();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  /** Actions the cache scheduled, with the delay it asked for; a test runs them after moving the clock on. */
  private final List<Map.Entry<Long, Runnable>> scheduled = new ArrayList<>();
  private final KnownDevices devices = new KnownDevices(() -> {
    loads.incrementAndGet();
    return Future.succeededFuture(Set.copyOf(stored));
  }, nanos::get, (delayMs, action) -> scheduled.add(Map.entry(delayMs, action)));

  private void runScheduled() {
    List<Map.Entry<Long, Runnable>> due = new ArrayList<>(scheduled);
    scheduled.clear();
    due.forEach(entry -> {
      nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(entry.getKey()));
      entry.getValue().run();
    });
  }

  @Test
  void aKnownDeviceIsAnsweredFromMemoryWithoutAStoreRead() {
    devices.reload();
    assertThat(devices.isKnown("a").await()).isTrue();
    assertThat(devices.isKnown("a").await()).isTrue();
    assertThat(loads).hasValue(1);
  }

  @Test
  void aDeviceRegisteredJustAfterAReloadIsAcceptedNotRefusedAndMissesShareOneReadASecond() {
    devices.reload();
    stored.add("b");

    Future<Boolean> justRegistered = devices.isKnown("b");
    Future<Boolean> neverRegistered = devices.isKnown("c");
    assertThat(justRegistered.isComplete()).as("not answered from the reload that began before it was asked").isFalse();
    assertThat(loads).as("no second read within the second").hasValue(1);
    assertThat(scheduled).hasSize(1);
    assertThat(scheduled.get(0).getKey()).isBetween(1L, KnownDevices.MISS_RELOAD_MS);

    runScheduled();
    assertThat(justRegistered.await()).isTrue();
    assertThat(neverRegistered.await()).isFalse();
    assertThat(loads).as("both misses answered by one read").hasValue(2);
  }

  @Test
  void anUnknownDeviceWithNoRecentReloadIsLookedUpAtOnce() {
    devices.reload();
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(KnownDevices.MISS_RELOAD_MS));
    stored.add("b");
    assertThat(devices.isKnown("b").await()).isTrue();
    assertThat(scheduled).isEmpty();
    assertThat(loads).hasValue(2);
  }

  @Test
  void aStoreThatCannotBeReadIsAnErrorNotAnUnknownDevice() {
    KnownDevices away = new KnownDevices(() -> Future.failedFuture("store away"), nanos::get,
        (delayMs, action) -> scheduled.add(Map.entry(delayMs, action)));
    assertThat(away.isKnown("a").failed()).isTrue();
    Future<Boolean> again = away.isKnown("a");
    runScheduled();
    assertThat(again.failed()).as("a second later, the store still away").isTrue();
  }
}
