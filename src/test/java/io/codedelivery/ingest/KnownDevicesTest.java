package io.codedelivery.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.access.DeviceSecret;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The device cache: known ids cost no store read; an unknown one is answered from a reload begun after it was asked,
 * so a device is accepted as soon as its registration was answered, at no more than one read a second.
 */
class KnownDevicesTest {
  private final Set<String> stored = new HashSet<>(Set.of("a"));
  private final DeviceLogin secured = DeviceLogin.of(Optional.of(DeviceSecret.hash("device-secret")));
  private final AtomicInteger loads = new AtomicInteger();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  /** Actions the cache scheduled, with the delay it asked for; a test runs them after moving the clock on. */
  private final List<Map.Entry<Long, Runnable>> scheduled = new ArrayList<>();
  private final KnownDevices devices = new KnownDevices(() -> {
    loads.incrementAndGet();
    return Future.succeededFuture(stored.stream().collect(Collectors.toMap(id -> id,
        id -> id.startsWith("secured") ? secured : DeviceLogin.OPEN)));
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
    assertThat(devices.find("a").await()).hasValue(DeviceLogin.OPEN);
    assertThat(devices.find("a").await()).hasValue(DeviceLogin.OPEN);
    assertThat(loads).hasValue(1);
  }

  @Test
  void aDeviceRegisteredJustAfterAReloadIsAcceptedNotRefusedAndMissesShareOneReadASecond() {
    devices.reload();
    stored.add("b");

    Future<Optional<DeviceLogin>> justRegistered = devices.find("b");
    Future<Optional<DeviceLogin>> neverRegistered = devices.find("c");
    assertThat(justRegistered.isComplete()).as("not answered from the reload that began before it was asked").isFalse();
    assertThat(loads).as("no second read within the second").hasValue(1);
    assertThat(scheduled).hasSize(1);
    assertThat(scheduled.get(0).getKey()).isBetween(1L, KnownDevices.MISS_RELOAD_MS);

    runScheduled();
    assertThat(justRegistered.await()).isPresent();
    assertThat(neverRegistered.await()).isEmpty();
    assertThat(loads).as("both misses answered by one read").hasValue(2);
  }

  @Test
  void anUnknownDeviceWithNoRecentReloadIsLookedUpAtOnce() {
    devices.reload();
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(KnownDevices.MISS_RELOAD_MS));
    stored.add("b");
    assertThat(devices.find("b").await()).isPresent();
    assertThat(scheduled).isEmpty();
    assertThat(loads).hasValue(2);
  }

  @Test
  void aStoreThatCannotBeReadIsAnErrorNotAnUnknownDevice() {
    KnownDevices away = new KnownDevices(() -> Future.failedFuture("store away"), nanos::get,
        (delayMs, action) -> scheduled.add(Map.entry(delayMs, action)));
    assertThat(away.find("a").failed()).isTrue();
    Future<Optional<DeviceLogin>> again = away.find("a");
    runScheduled();
    assertThat(again.failed()).as("a second later, the store still away").isTrue();
  }

  @Test
  void aDeviceWithASecretIsCachedWithItAndAdmitsOnlyItsOwnCredentials() {
    stored.add("secured-1");
    devices.reload();
    DeviceLogin login = devices.find("secured-1").await().orElseThrow();
    assertThat(login.admits(basic("secured-1", "device-secret"), List.of("secured-1"))).isTrue();
    assertThat(login.admits(basic("jane", "device-secret"), Arrays.asList("secured-1", "jane"))).as("the OwnTracks user").isTrue();
    assertThat(login.admits(basic("secured-1", "device-secreT"), List.of("secured-1"))).isFalse();
    assertThat(login.admits(basic("someone", "device-secret"), List.of("secured-1"))).as("another user").isFalse();
    assertThat(login.admits(null, List.of("secured-1"))).isFalse();
    assertThat(login.admits("Basic !!!", List.of("secured-1"))).isFalse();
    assertThat(DeviceLogin.OPEN.admits(null, List.of("a"))).as("a device without a secret, as before").isTrue();
    assertThat(DeviceLogin.of(Optional.of("md5$x")).admits(basic("a", "x"), List.of("a"))).as("a hash it cannot read admits nothing").isFalse();
    assertThat(loads).hasValue(1);
  }

  @Test
  void aUniqueIdWithAColonIsSplitFromThePasswordAtTheIdNotAtTheFirstColon() {
    DeviceLogin login = DeviceLogin.of(Optional.of(DeviceSecret.hash("pass:word")));
    assertThat(login.admits(basic("imei:4711", "pass:word"), List.of("imei:4711"))).isTrue();
    assertThat(login.admits(basic("imei:4711", "pass"), List.of("imei:4711"))).isFalse();
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
