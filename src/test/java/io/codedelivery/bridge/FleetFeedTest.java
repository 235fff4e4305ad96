package io.codedelivery.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.model.EncodedJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class FleetFeedTest {
  private final FleetFeed feed = new FleetFeed();

  private static JsonObject position(String id, long seq) {
    return new JsonObject().put("deliveryId", id).put("seq", seq);
  }

  private void take(String id, long seq) {
    feed.take(id, seq, new EncodedJson(position(id, seq).encode()));
  }

  @Test
  void aBatchHoldsEachDeliverysLatestPositionOnce() {
    take("a", 1);
    take("b", 7);
    take("a", 3);
    // A late position (a device's fix caught up) does not replace a newer one.
    take("a", 2);

    JsonArray batch = feed.drain().toJsonObject().getJsonArray("deliveries");
    assertThat(batch).containsExactly(position("a", 3), position("b", 7));
  }

  @Test
  void aDrainedBatchIsForgottenAndNothingMovedSendsNothing() {
    assertThat(feed.drain()).isNull();
    take("a", 1);
    assertThat(feed.drain()).isNotNull();
    assertThat(feed.drain()).as("only what moved since the last batch").isNull();
  }
}
