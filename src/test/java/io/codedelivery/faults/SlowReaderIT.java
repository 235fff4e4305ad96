package io.codedelivery.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.model.Addresses;
import io.codedelivery.support.Deliveries;
import io.codedelivery.support.SockJsClient;
import io.codedelivery.support.TestStack;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A browser that stops reading is disconnected before the server buffers without bound; others are unaffected. */
class SlowReaderIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static TestStack stack;

  @BeforeAll
  static void start() {
    // Enough traffic to one connection (150 deliveries × 200 points) to overflow every buffer on the way.
    stack = TestStack.start(Map.of(Setting.BRIDGE_MAX_REGISTRATIONS, "200"));
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void aConnectionThatStopsReadingIsClosedAndAnotherKeepsItsPositions() throws Exception {
    // Signed in before the deliveries start: a sign-in takes a while (a slow password hash), and the connections must
    // register while the deliveries still run.
    String token = stack.adminToken();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      ids.add(Deliveries.start(stack.app().vertx(), "3"));
    }
    // A tiny receive window and no reading: what the server sends piles up on its side.
    WebSocketClient stuckClient = stack.app().vertx().createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(8192));
    WebSocket stuck = stuckClient.connect(stack.httpPort(), "localhost", "/eventbus/7/" + java.util.UUID.randomUUID().toString().substring(0, 8) + "/websocket")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    AtomicBoolean closed = new AtomicBoolean();
    AtomicReference<String> closeFrame = new AtomicReference<>();
    stuck.closeHandler(v -> closed.set(true));
    for (String id : ids) {
      JsonObject register = new JsonObject().put("type", "register").put("address", Addresses.delivery(id))
          .put("headers", new JsonObject().put("authorization", "Bearer " + token));
      stuck.writeTextMessage(new JsonArray().add(register.encode()).encode());
    }
    // It keeps pinging, as a browser whose tab still runs does, so that only not reading can get it closed: the bridge
    // closes a connection that has not pinged for 10 s, before the cut-off on a loaded machine.
    String ping = new JsonArray().add(new JsonObject().put("type", "ping").encode()).encode();
    stuck.writeTextMessage(ping);
    long pings = stack.app().vertx().setPeriodic(5_000, id -> stuck.writeTextMessage(ping));
    stuck.pause();

    try (SockJsClient healthy = SockJsClient.connect(stack.app().vertx(), stack.httpPort()).authorizedAs(token)) {
      String watched = ids.get(ids.size() - 1);
      healthy.register(Addresses.delivery(watched));

      await().atMost(WAIT).until(() -> stack.app().metrics().registry().get("codedelivery.sockjs.dropped").counter().count() == 1);
      // Only now: a text handler set earlier keeps Vert.x's client taking frames off the network while paused.
      stuck.textMessageHandler(frame -> {
        // A SockJS client reports the first close frame and reads nothing after it.
        if (frame.startsWith("c[")) {
          closeFrame.compareAndSet(null, frame);
        }
      });
      stuck.resume();
      await().atMost(WAIT).untilTrue(closed);
      // What the browser's SockJS client reports as its close event's code and reason.
      assertThat(closeFrame.get()).as("SockJS close frame").isNotNull();
      assertThat(new JsonArray(closeFrame.get().substring(1)))
          .containsExactly(4008, "too slow: messages were not being read");
      await().atMost(WAIT).until(() -> healthy.messagesTo(Addresses.delivery(watched)).stream()
          .anyMatch(m -> m.getJsonObject("body").getBoolean("finished")));
      List<Long> seqs = healthy.messagesTo(Addresses.delivery(watched)).stream().map(m -> m.getJsonObject("body").getLong("seq")).toList();
      for (int i = 1; i < seqs.size(); i++) {
        assertThat(seqs.get(i)).as("the healthy connection misses nothing").isEqualTo(seqs.get(i - 1) + 1);
      }
      assertThat(healthy.isClosedByServer()).isFalse();
    } finally {
      stack.app().vertx().cancelTimer(pings);
      stuckClient.close();
    }
  }
}
