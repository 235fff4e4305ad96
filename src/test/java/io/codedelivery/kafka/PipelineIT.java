package io.codedelivery.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.model.Route;
import io.codedelivery.support.Deliveries;
import io.codedelivery.support.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pipeline end to end through the event bus: start → Kafka → simulation → Kafka → bridge → delivery.<id>. */
class PipelineIT {
  private final TestStack stack = TestStack.shared();
  private final Vertx vertx = stack.app().vertx();
  private Deliveries.Tap tap;

  @BeforeEach
  void tap() {
    tap = new Deliveries.Tap(vertx);
  }

  @AfterEach
  void untap() {
    tap.close();
  }

  @Test
  void aDeliveryYieldsEveryPointOfItsRouteInOrderAndFinishesOnce() throws Exception {
    Route route = stack.app().routes().find("1").orElseThrow();
    String id = Deliveries.start(vertx, "1");

    await().atMost(Duration.ofSeconds(60)).until(() -> tap.finished(id));

    List<Long> expected = LongStream.range(0, route.points().size()).boxed().toList();
    assertThat(tap.seqs(id)).isEqualTo(expected);
    List<JsonObject> positions = tap.positions(id);
    assertThat(positions).filteredOn(p -> p.getBoolean("finished")).hasSize(1);
    assertThat(positions.get(positions.size() - 1).getBoolean("finished")).isTrue();
    for (int i = 0; i < positions.size(); i++) {
      JsonObject at = positions.get(i).getJsonObject("position");
      assertThat(at.getDouble("lat")).isEqualTo(route.points().get(i).lat());
      assertThat(at.getDouble("lon")).isEqualTo(route.points().get(i).lon());
    }
  }

  @Test
  void fiftyDeliveriesStartedAtOnceAllCompleteWithAllTheirPositions() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      ids.add(Deliveries.start(vertx, String.valueOf(1 + i % 3)));
    }

    await().atMost(Duration.ofSeconds(120)).until(() -> ids.stream().allMatch(tap::finished));

    for (String id : ids) {
      int points = stack.app().routes().find(tap.positions(id).get(0).getString("routeId")).orElseThrow().points().size();
      assertThat(tap.seqs(id)).as("positions of %s", id).isEqualTo(LongStream.range(0, points).boxed().toList());
    }
  }
}
