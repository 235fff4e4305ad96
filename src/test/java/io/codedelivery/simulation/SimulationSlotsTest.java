package io.codedelivery.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SimulationSlotsTest {

  @Test
  void slotsDivideTheIntervalExactlySoVehiclesKeepItsPace() {
    assertThat(SimulationVerticle.slotsFor(500)).isEqualTo(10);
    assertThat(SimulationVerticle.slotsFor(105)).isEqualTo(7);
    assertThat(SimulationVerticle.slotsFor(25)).isEqualTo(1);
    assertThat(SimulationVerticle.slotsFor(60)).isEqualTo(6);
    assertThat(SimulationVerticle.slotsFor(10)).isEqualTo(1);
    for (long interval = 10; interval <= 2_000; interval++) {
      int slots = SimulationVerticle.slotsFor(interval);
      assertThat(interval % slots).isZero();
      assertThat(slots == 1 || interval / slots >= 10).isTrue();
    }
  }
}
