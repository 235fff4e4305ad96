package io.codedelivery.web;

import static io.codedelivery.web.DeliveryEventsBridgeIT.openedLink;
import static io.codedelivery.web.DeliveryEventsBridgeIT.startDelivery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.model.Addresses;
import io.codedelivery.support.SockJsClient;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code deliveries.fleet} over the bridge: an operator's console registers once and gets the latest state of every
 * delivery on the road, batched (one entry per delivery a message, however many positions it drove meanwhile), up to
 * each one's arrival; a customer's tracking link is refused it.
 */
class FleetFeedIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int DELIVERIES = 12;
  private static TestStack stack;

  @BeforeAll
  static void setUp() {
    stack = TestStack.shared();
  }

  @Test
  void anOperatorGetsTheLatestStateOfManyDeliveriesBatchedOverOneRegistration() throws Exception {
    try (SockJsClient operator = SockJsClient.connect(stack.app().vertx(), stack.httpPort()).authorizedAs(stack.adminToken())) {
      operator.register(Addresses.FLEET);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < DELIVERIES; i++) {
        ids.add(startDelivery().getString("deliveryId"));
      }
      // Each delivery's last state, its arrival, reaches the operator through the one registration.
      await().atMost(WAIT).until(() -> finishedIn(batches(operator)).containsAll(ids));

      List<List<JsonObject>> ours = batches(operator).stream()
          .map(batch -> batch.stream().filter(state -> ids.contains(state.getString("deliveryId"))).toList())
          .filter(batch -> !batch.isEmpty()).toList();
      assertThat(ours).as("every batch names a delivery once").allSatisfy(batch ->
          assertThat(batch.stream().map(state -> state.getString("deliveryId")).distinct().count()).isEqualTo(batch.size()));
      assertThat(ours).as("a batch carries many deliveries at once").anySatisfy(batch -> assertThat(batch).hasSizeGreaterThan(1));
      Map<String, JsonObject> last = ours.stream().flatMap(List::stream)
          .filter(state -> state.getBoolean("finished", false))
          .collect(Collectors.toMap(state -> state.getString("deliveryId"), Function.identity(), (a, b) -> a));
      long positionsDriven = last.values().stream().mapToLong(state -> state.getLong("seq") + 1).sum();
      long statesSent = ours.stream().mapToLong(List::size).sum();
      assertThat(statesSent).as("latest states only, not every position").isLessThan(positionsDriven / 4);
      assertThat(last.values()).allSatisfy(state ->
          assertThat(state.fieldNames()).contains("deliveryId", "routeId", "seq", "position", "timestamp"));
      assertThat(operator.errors()).isEmpty();
    }
  }

  @Test
  void aTrackingLinkIsRefusedTheFleetFeed() throws Exception {
    JsonObject started = startDelivery();
    String link = openedLink(started);
    try (SockJsClient customer = SockJsClient.connect(stack.app().vertx(), stack.httpPort()).authorizedAs(link)) {
      customer.register(Addresses.FLEET);
      await().atMost(WAIT).until(() -> customer.errors().stream().anyMatch(e -> "access_denied".equals(e.getString("body"))));
      // The fleet keeps moving (this delivery among it), and none of it reaches the link's connection.
      startDelivery();
      try (SockJsClient operator = SockJsClient.connect(stack.app().vertx(), stack.httpPort()).authorizedAs(stack.adminToken())) {
        operator.register(Addresses.FLEET);
        await().atMost(WAIT).until(() -> !operator.messagesTo(Addresses.FLEET).isEmpty());
      }
      assertThat(customer.messagesTo(Addresses.FLEET)).isEmpty();
    }
  }

  private static List<List<JsonObject>> batches(SockJsClient client) {
    return client.messagesTo(Addresses.FLEET).stream()
        .map(message -> message.getJsonObject("body").getJsonArray("deliveries").stream().map(JsonObject.class::cast).toList())
        .toList();
  }

  private static Set<String> finishedIn(List<List<JsonObject>> batches) {
    return batches.stream().flatMap(List::stream).filter(state -> state.getBoolean("finished", false))
        .map(state -> state.getString("deliveryId")).collect(Collectors.toSet());
  }
}
