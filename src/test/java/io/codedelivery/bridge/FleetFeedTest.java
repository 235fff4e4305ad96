package io.codedelivery.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class FleetFeedTest {
  private final FleetFeed feed = new FleetFeed();

  private static JsonObject position(String id, long seq) {
    return new JsonObject().put("deliveryId", id).put("seq", seq);
  }

  @Test
  void aBatchHoldsEachDeliverysLatestPositionOnce() {
    feed.take("a", 1, position("a", 1));
    feed.take("b", 7, position("b", 7));
    feed.take("a", 3, position("a", 3));
    // A late position (a device's fix caught up) does not replace a newer one.
    feed.take("a", 2, position("a", 2));

    JsonArray batch = feed.drain().getJsonArray("deliveries");
    assertThat(batch).containsExactly(position("a", 3), position("b", 7));
  }

  @Test
  void aDrainedBatchIsForgottenAndNothingMovedSendsNothing() {
    assertThat(feed.drain()).isNull();
    feed.take("a", 1, position("a", 1));
    assertThat(feed.drain()).isNotNull();
    assertThat(feed.drain()).as("only what moved since the last batch").isNull();
  }
}
