package io.codedelivery.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.model.Topics;
import io.codedelivery.support.AppProcess;
import io.codedelivery.support.Deliveries;
import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TempDirs;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances with every role; the second is killed with SIGKILL while some of its deliveries have just
 * finished and others are half-way. The survivor takes them over: it drives none again that had finished, and
 * goes on after the last position the killed one produced, so browsers and Connect see no position twice.
 */
class InstanceKilledIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String INTERVAL_MS = "50";
  private static final int DELIVERIES = 20;
  private TestStack survivor;
  private Process victim;
  private Map<String, String> victimEnv;

  @AfterEach
  void stop() throws InterruptedException {
    if (victim != null && victim.isAlive()) {
      victim.destroyForcibly();
      victim.waitFor(30, TimeUnit.SECONDS);
    }
    if (victimEnv != null) {
      TempDirs.deleteTree(Path.of(victimEnv.get(Setting.DATA_DIR.envVar())));
    }
    if (survivor != null) {
      survivor.close();
    }
  }

  @Test
  void theSurvivorDrivesNoFinishedDeliveryAgainAndRepeatsNoPosition() throws Exception {
    survivor = TestStack.start(Map.of(Setting.SIMULATION_INTERVAL_MS, INTERVAL_MS));
    startVictim();
    survivor.awaitConsumerGroupsStable(2);
    StoreProbe store = new StoreProbe(survivor.app());

    // Routes of different lengths, so that when the victim dies some of its deliveries have finished behind
    // others still under way (their directions not yet committable) and the rest are half-way.
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < DELIVERIES; i++) {
      ids.add(Deliveries.start(survivor.app().vertx(), i % 2 == 0 ? "2" : "3"));
    }
    await().atMost(WAIT).until(() -> ids.stream().filter(store::isFinished).count() >= DELIVERIES / 4);

    victim.destroyForcibly();
    assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();

    await().atMost(WAIT).until(() -> ids.stream().allMatch(store::isFinished));
    Map<String, List<Long>> produced = producedSeqs();
    for (String id : ids) {
      List<Long> seqs = produced.getOrDefault(id, List.of());
      assertThat(seqs).as("positions of %s on %s, in the order produced", id, Topics.NEW_POSITION)
          .isEqualTo(store.wholeTrack(id));
    }
  }

  private void startVictim() throws Exception {
    victimEnv = TestStack.asEnv(TestStack.isolatedSettings("code-delivery-victim"));
    victimEnv.put(Setting.SIMULATION_INTERVAL_MS.envVar(), INTERVAL_MS);
    victimEnv.put(Setting.INSTANCE_ID.envVar(), "victim");
    victimEnv.put(Setting.KAFKA_BOOTSTRAP_SERVERS.envVar(), survivor.kafkaBootstrapServers());
    victimEnv.put(Setting.MONGO_URI.envVar(), survivor.app().config().mongoUri());
    victim = AppProcess.startReady(victimEnv, "instance-killed-victim.log", WAIT);
  }

  /** Every position on the topic, by delivery, in partition order: what the bridge and Connect read. */
  private Map<String, List<Long>> producedSeqs() {
    Map<String, List<Long>> seqs = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = survivor.kafkaConsumer("instance-killed-reader")) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.NEW_POSITION).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      await().atMost(WAIT).until(() -> {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          JsonObject position = new JsonObject(record.value());
          seqs.computeIfAbsent(position.getString("deliveryId"), id -> new ArrayList<>()).add(position.getLong("seq"));
        }
        return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
      });
    }
    return seqs;
  }
}
