package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.config.AppConfig;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.EncodedJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The bridge's two pieces of pure logic: the start-request allowance and the text cache of what browsers receive. */
@ExtendWith(VertxExtension.class)
class SockJsBridgeTest {
  /** Three starts a minute: one comes back every 20 s. */
  private final SockJsBridge.TokenBucket bucket = new SockJsBridge.TokenBucket(3, 60_000);
  private SockJsBridge bridge;

  @BeforeEach
  void createBridge(Vertx vertx) {
    bridge = new SockJsBridge(vertx, AppConfig.load(Map.of()), new PipelineMetrics(new SimpleMeterRegistry()), null, null);
  }

  @Test
  void aBurstUpToTheCapacityIsAllowedAndTheNextStartIsRefused() {
    assertThat(bucket.tryTake(0)).isTrue();
    assertThat(bucket.tryTake(0)).isTrue();
    assertThat(bucket.tryTake(0)).isTrue();
    assertThat(bucket.tryTake(0)).isFalse();
    assertThat(bucket.tryTake(1)).isFalse();
  }

  @Test
  void anEmptiedAllowanceRefillsAtItsRateOnePermitAtATime() {
    for (int i = 0; i < 3; i++) {
      bucket.tryTake(0);
    }
    assertThat(bucket.tryTake(19_999)).isFalse();
    assertThat(bucket.tryTake(20_000)).isTrue();
    assertThat(bucket.tryTake(20_000)).isFalse();
    assertThat(bucket.tryTake(40_000)).isTrue();
  }

  @Test
  void aLongQuietSpellRefillsNoMoreThanTheCapacity() {
    bucket.tryTake(0);
    long muchLater = 10 * 60_000;
    assertThat(bucket.tryTake(muchLater)).isTrue();
    assertThat(bucket.tryTake(muchLater)).isTrue();
    assertThat(bucket.tryTake(muchLater)).isTrue();
    assertThat(bucket.tryTake(muchLater)).isFalse();
  }

  // What a browser receives must be exactly the message it was sent, whatever the cache kept from the message before:
  // the cache keys on the body object (shared by every browser through the read-only codec) and the address.

  @Test
  void theSameBodyOnTheSameAddressIsEncodedOnceForEveryBrowser() {
    JsonObject position = position(0);
    String first = bridge.encode(message("delivery.a", position));
    String second = bridge.encode(message("delivery.a", position));

    assertThat(second).isSameAs(first);
    assertThat(new JsonObject(first)).isEqualTo(message("delivery.a", position));
  }

  @Test
  void theNextPositionOfTheSameDeliveryIsEncodedAfresh() {
    bridge.encode(message("delivery.a", position(0)));
    JsonObject next = position(1);

    assertThat(new JsonObject(bridge.encode(message("delivery.a", next)))).isEqualTo(message("delivery.a", next));
  }

  @Test
  void theSameBodyOnAnotherAddressCarriesThatAddress() {
    JsonObject position = position(0);
    bridge.encode(message("delivery.a", position));

    assertThat(new JsonObject(bridge.encode(message("deliveries.updates", position))).getString("address"))
        .isEqualTo("deliveries.updates");
  }

  @Test
  void aMessageWithHeadersOrAReplyAddressIsEncodedWithThemAndLeavesTheCacheAsItWas() {
    JsonObject position = position(0);
    String plain = bridge.encode(message("delivery.a", position));

    JsonObject withReply = message("delivery.a", position).put("replyAddress", "reply-1");
    JsonObject withHeaders = message("delivery.a", position).put("headers", new JsonObject().put("h", "v"));
    assertThat(new JsonObject(bridge.encode(withReply))).isEqualTo(withReply);
    assertThat(new JsonObject(bridge.encode(withHeaders))).isEqualTo(withHeaders);
    assertThat(bridge.encode(message("delivery.a", position))).isSameAs(plain);
  }

  @Test
  void aBodyPassedOnAsTextReachesTheBrowserAsThatJsonWithOrWithoutHeadersOrAReplyAddress() {
    JsonObject position = position(0);
    EncodedJson text = new EncodedJson(position.encode());

    String plain = bridge.encode(new JsonObject().put("type", "rec").put("address", "delivery.a").put("body", text));
    assertThat(new JsonObject(plain)).isEqualTo(message("delivery.a", position));
    JsonObject withBoth = new JsonObject().put("type", "rec").put("address", "delivery.a").put("body", text)
        .put("replyAddress", "reply-1").put("headers", new JsonObject().put("h", "v"));
    assertThat(new JsonObject(bridge.encode(withBoth)))
        .isEqualTo(message("delivery.a", position).put("replyAddress", "reply-1").put("headers", new JsonObject().put("h", "v")));
  }

  private static JsonObject message(String address, JsonObject body) {
    return new JsonObject().put("type", "rec").put("address", address).put("body", body);
  }

  private static JsonObject position(int seq) {
    return new JsonObject().put("deliveryId", "a").put("seq", seq).put("position", new JsonObject().put("lat", -15.8).put("lon", -47.9));
  }
}
