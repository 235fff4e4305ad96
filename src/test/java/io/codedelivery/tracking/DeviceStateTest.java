package io.codedelivery.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.LatLon;
import java.time.Instant;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A device's tracking state as saved at a checkpoint and read back after a restart or a rebalance: what it takes
 * for a phone's resend (a fix already produced, late or not) not to become a second position.
 */
class DeviceStateTest {
  private static final long T0 = 1_777_629_600_000L;

  @Test
  void aStateReadBackStillRecognisesTheFixesItProducedLateOnesIncluded() {
    DeviceState saved = new DeviceState("phone-1");
    saved.follow("delivery-1");
    saved.newestFixMs = T0 + 5_000;
    saved.lastPoint = new LatLon(-15.8, -47.9);
    saved.addSpeed(8.5);
    // In order, then one buffered offline and sent late, then a fix an hour later.
    List<Long> produced = List.of(T0, T0 + 1_000, T0 + 5_000, T0 + 2_000, T0 + 3_600_000);
    produced.forEach(saved::alreadyProduced);

    DeviceState restored = DeviceState.fromDocument(new JsonObject(saved.toDocument().encode()));

    assertThat(restored.recentFixMs).containsExactlyElementsOf(produced);
    produced.forEach(fixMs -> assertThat(restored.alreadyProduced(fixMs)).as("resend of %d", fixMs).isTrue());
    assertThat(restored.alreadyProduced(T0 + 4_000)).as("a fix never produced").isFalse();
    assertThat(restored.deliveryId).isEqualTo("delivery-1");
    assertThat(restored.newestFixMs).isEqualTo(T0 + 5_000);
    assertThat(restored.averageSpeed()).isEqualTo(8.5);
  }

  @Test
  void aDeviceWithNoDeliveryKeepsItsLastFixForTheDeviceList() {
    DeviceState unassigned = new DeviceState("phone-4");
    DeviceFix last = new DeviceFix("phone-4", Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 300), new LatLon(-23.6, -46.7),
        12.0, 90.0, null, 5.0, 81.0, "osmand", new JsonObject().put("ignition", "true"));
    unassigned.newestOfDevice(last);

    DeviceState restored = DeviceState.fromDocument(new JsonObject(unassigned.toDocument().encode()));

    assertThat(restored.deviceNewestFix).isEqualTo(last);
    assertThat(restored.deviceNewestFixMs).isEqualTo(T0);
    assertThat(restored.deliveryId).isNull();
    assertThat(restored.recentFixMs).isEmpty();
  }
}
