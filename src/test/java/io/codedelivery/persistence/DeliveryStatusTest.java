package io.codedelivery.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeliveryStatusTest {

  @Test
  void aDeliveryIsStartedAtItsFirstPointInTransitAfterItAndFinishedOnceItsLastPointIsStored() {
    assertThat(DeliveryStatus.of(0, false)).isEqualTo(DeliveryStatus.STARTED);
    assertThat(DeliveryStatus.of(1, false)).isEqualTo(DeliveryStatus.IN_TRANSIT);
    assertThat(DeliveryStatus.of(140, false)).isEqualTo(DeliveryStatus.IN_TRANSIT);
    assertThat(DeliveryStatus.of(140, true)).isEqualTo(DeliveryStatus.FINISHED);
    // finished wins whatever the seq: a route of one leg
    assertThat(DeliveryStatus.of(0, true)).isEqualTo(DeliveryStatus.FINISHED);
  }

  @Test
  void theApiNamesAreTheOnesClientsFilterBy() {
    assertThat(DeliveryStatus.STARTED.wireName()).isEqualTo("started");
    assertThat(DeliveryStatus.IN_TRANSIT.wireName()).isEqualTo("in-transit");
    assertThat(DeliveryStatus.FINISHED.wireName()).isEqualTo("finished");
  }

  @Test
  void everyWireNameReadsBackAndNothingElseDoes() {
    for (DeliveryStatus status : DeliveryStatus.values()) {
      assertThat(DeliveryStatus.fromWireName(status.wireName())).contains(status);
    }
    assertThat(DeliveryStatus.fromWireName("IN_TRANSIT")).isEqualTo(Optional.empty());
    assertThat(DeliveryStatus.fromWireName("Finished")).isEmpty();
    assertThat(DeliveryStatus.fromWireName("")).isEmpty();
    assertThat(DeliveryStatus.fromWireName(null)).isEmpty();
  }
}
