package io.codedelivery.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeliveryAdmissionTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final DeliveryAdmission admission = new DeliveryAdmission(2, 60_000, now::get);

  @Test
  void admitsUpToTheCapAndAgainOnceOneFinishes() {
    assertThat(admission.tryAdmit("a")).isTrue();
    assertThat(admission.tryAdmit("b")).isTrue();
    assertThat(admission.tryAdmit("c")).isFalse();

    admission.release("a");
    admission.release("a");

    assertThat(admission.tryAdmit("c")).isTrue();
    assertThat(admission.admitted()).isEqualTo(2);
  }

  @Test
  void positionsAndFinishesOfDeliveriesItNeverAdmittedTakeNoPlaceAndFreeNone() {
    admission.seen("stranger");
    admission.release("stranger");
    assertThat(admission.tryAdmit("a")).isTrue();
    admission.release("stranger");

    assertThat(admission.tryAdmit("b")).isTrue();
    assertThat(admission.tryAdmit("c")).isFalse();
  }

  @Test
  void aDeliveryThatShowsNoPositionForTooLongGivesItsPlaceBackButOneThatMovesKeepsIt() {
    admission.tryAdmit("silent");
    admission.tryAdmit("moving");
    now.addAndGet(50_000);
    admission.seen("moving");
    now.addAndGet(20_000);

    assertThat(admission.tryAdmit("new")).as("the silent one's place").isTrue();
    assertThat(admission.tryAdmit("another")).as("the moving one keeps its place").isFalse();
  }
}
