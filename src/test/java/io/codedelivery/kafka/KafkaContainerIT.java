package io.codedelivery.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.support.Deliveries;
import io.codedelivery.support.Docker;
import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TestStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.kafka.KafkaContainer;

/** The pipeline on a real Kafka broker image (external mode); skipped where no Docker engine runs. */
@EnabledIf(value = Docker.AVAILABLE, disabledReason = Docker.ABSENT)
class KafkaContainerIT {
  private static KafkaContainer kafka;
  private static TestStack stack;

  @BeforeAll
  static void startKafka() {
    kafka = new KafkaContainer("apache/kafka:4.1.1");
    kafka.start();
    stack = TestStack.start(Map.of(Setting.KAFKA_BOOTSTRAP_SERVERS, kafka.getBootstrapServers()));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
    if (kafka != null) {
      kafka.stop();
    }
  }

  @Test
  void aDeliveryGoesThroughARealBrokerAndIsStoredExactlyOnce() throws Exception {
    StoreProbe store = new StoreProbe(stack.app());
    try (Deliveries.Tap tap = new Deliveries.Tap(stack.app().vertx())) {
      String id = Deliveries.start(stack.app().vertx(), "2");

      await().atMost(Duration.ofSeconds(90)).until(() -> tap.finished(id) && store.isFinished(id));

      List<Long> wholeTrack = store.wholeTrack(id);
      assertThat(tap.seqs(id)).isEqualTo(wholeTrack);
      assertThat(store.storedSeqs(id)).isEqualTo(wholeTrack);
    }
  }
}
