package io.codedelivery.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.support.Deliveries;
import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TestStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kafka or MongoDB away for ten seconds in the middle of twenty running deliveries: afterwards every delivery
 * has finished and every (deliveryId, seq) is stored exactly once.
 */
class OutageIT {
  private static final Duration OUTAGE = Duration.ofSeconds(10);
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int DELIVERIES = 20;
  /**
   * Less than the store client's server selection timeout (5 s, {@code Store}): a start that waited for the store
   * would show its first position only after that.
   */
  private static final Duration FIRST_POSITION_WITHOUT_STORE = Duration.ofSeconds(4);
  private static TestStack stack;
  private static StoreProbe store;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    // 50 ms a point: route 1 (140 points) takes 7 s, so the outage lands mid-delivery.
    stack = TestStack.onOwnInfrastructure(Map.of(Setting.SIMULATION_INTERVAL_MS, "50"));
    stack.awaitConsumerGroupsStable(1);
    store = new StoreProbe(stack.app());
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  private List<String> startDeliveries() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < DELIVERIES; i++) {
      ids.add(Deliveries.start(stack.app().vertx(), String.valueOf(1 + i % 3)));
    }
    await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> store.storedSeqs(id).size() >= 10));
    return ids;
  }

  /** The fault's length is the scenario itself, not a wait for something to happen. */
  private static void holdOutage() throws InterruptedException {
    Thread.sleep(OUTAGE.toMillis());
  }

  private int readiness() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.managementUrl() + "/health/ready")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private void assertAllFinishedAndStoredExactlyOnce(List<String> ids) {
    await().atMost(WAIT).until(() -> ids.stream().allMatch(store::isFinished));
    for (String id : ids) {
      List<Long> wholeTrack = store.wholeTrack(id);
      assertThat(store.storedSeqs(id)).as("stored seqs of %s", id).isEqualTo(wholeTrack);
      assertThat(store.delivery(id).getLong("lastSeq")).isEqualTo(wholeTrack.size() - 1);
    }
  }

  @Test
  void aTenSecondKafkaOutageLosesAndDuplicatesNothing() throws Exception {
    List<String> ids = startDeliveries();

    stack.broker().stop();
    holdOutage();
    stack.broker().startAgain();

    assertAllFinishedAndStoredExactlyOnce(ids);
  }

  @Test
  void aTenSecondMongoOutageLosesNothingWhileLiveViewersKeepReceiving() throws Exception {
    try (Deliveries.Tap tap = new Deliveries.Tap(stack.app().vertx())) {
      List<String> ids = startDeliveries();

      stack.store().stop();
      await().atMost(WAIT).until(() -> readiness() == 503);
      int bridgedAtOutage = ids.stream().mapToInt(id -> tap.positions(id).size()).sum();
      holdOutage();
      int bridgedDuringOutage = ids.stream().mapToInt(id -> tap.positions(id).size()).sum() - bridgedAtOutage;
      stack.store().startAgain();

      assertThat(bridgedDuringOutage).as("positions pushed to live viewers while MongoDB was away").isGreaterThan(100);
      await().atMost(WAIT).until(() -> readiness() == 200);
      assertAllFinishedAndStoredExactlyOnce(ids);
    }
  }

  /**
   * A new delivery has nothing stored to go on from, so its vehicle does not wait for the store: started while MongoDB
   * is away, it is on the road at once, and its track is stored once the store is back.
   */
  @Test
  void aDeliveryStartedWhileMongoDbIsAwayIsOnTheRoadAtOnce() throws Exception {
    try (Deliveries.Tap tap = new Deliveries.Tap(stack.app().vertx())) {
      stack.store().stop();
      await().atMost(WAIT).until(() -> readiness() == 503);
      String id = Deliveries.start(stack.app().vertx(), "1");
      await().atMost(FIRST_POSITION_WITHOUT_STORE).until(() -> !tap.positions(id).isEmpty());
      stack.store().startAgain();

      await().atMost(WAIT).until(() -> readiness() == 200);
      assertAllFinishedAndStoredExactlyOnce(List.of(id));
    }
  }
}
