package io.codedelivery.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.support.Deliveries;
import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TestStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two application instances with every role on one broker and one store: each delivery is simulated once and
 * stored once, and the event bus of either instance (so the browsers on it) sees every position of every delivery.
 */
class TwoInstancesIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static TestStack first;
  private static TestStack second;

  @BeforeAll
  static void start() throws Exception {
    first = TestStack.start(Map.of(Setting.SIMULATION_INTERVAL_MS, "25"));
    second = TestStack.start(Map.of(
        Setting.SIMULATION_INTERVAL_MS, "25",
        Setting.KAFKA_BOOTSTRAP_SERVERS, first.kafkaBootstrapServers(),
        Setting.MONGO_URI, first.app().config().mongoUri()));
    // Deliveries started while the shared groups still rebalance could move between instances mid-way.
    first.awaitConsumerGroupsStable(2);
  }

  @AfterAll
  static void stop() {
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
  }

  @Test
  void eachDeliveryIsSimulatedAndStoredOnceAndSeenWholeOnBothInstances() throws Exception {
    StoreProbe store = new StoreProbe(first.app());
    try (Deliveries.Tap onFirst = new Deliveries.Tap(first.app().vertx());
         Deliveries.Tap onSecond = new Deliveries.Tap(second.app().vertx())) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        TestStack via = i % 2 == 0 ? first : second;
        ids.add(Deliveries.start(via.app().vertx(), String.valueOf(1 + i % 3)));
      }

      await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> onFirst.finished(id) && onSecond.finished(id) && store.isFinished(id)));

      for (String id : ids) {
        List<Long> all = store.wholeTrack(id);
        assertThat(onFirst.seqs(id)).as("positions of %s on the first instance", id).isEqualTo(all);
        assertThat(onSecond.seqs(id)).as("positions of %s on the second instance", id).isEqualTo(all);
        assertThat(store.storedSeqs(id)).as("stored positions of %s", id).isEqualTo(all);
      }
      double produced = first.app().metrics().registry().get("codedelivery.positions.produced").counter().count()
          + second.app().metrics().registry().get("codedelivery.positions.produced").counter().count();
      long expected = ids.stream().mapToLong(id -> onFirst.seqs(id).size()).sum();
      assertThat(produced).as("every position produced once, by one instance").isEqualTo(expected);
    }
  }
}
