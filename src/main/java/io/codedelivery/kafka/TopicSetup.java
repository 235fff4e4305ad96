package io.codedelivery.kafka;

import io.codedelivery.config.KafkaConnection;
import io.codedelivery.model.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the application's topics when they are missing; existing topics are left as they are. */
public final class TopicSetup {
  private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

  private TopicSetup() {
  }

  /** Blocking: called once at start-up, before any verticle is deployed. */
  public static void ensureTopics(KafkaConnection connection, int positionsPartitions, int directionsPartitions)
      throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
    Map<String, Object> config = new HashMap<>(connection.clientProperties());
    // Not the probes' short timeouts of KafkaClients.admin: a broker still starting gets half a minute here.
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    try (Admin admin = Admin.create(config)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      short replication = (short) Math.min(3, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
      List<NewTopic> missing = List.of(
              new NewTopic(Topics.NEW_DIRECTION, directionsPartitions, replication),
              new NewTopic(Topics.NEW_POSITION, positionsPartitions, replication),
              // As many as the positions: the tracking stage that reads it scales like the stages after it.
              new NewTopic(Topics.DEVICE_POSITIONS, positionsPartitions, replication),
              // Keyed by delivery like the positions, so each delivery's events stay in order.
              new NewTopic(Topics.DELIVERY_EVENTS, positionsPartitions, replication),
              new NewTopic(Topics.DEAD_LETTER, 1, replication))
          .stream().filter(t -> !existing.contains(t.name())).toList();
      var results = admin.createTopics(missing).values();
      for (NewTopic topic : missing) {
        try {
          results.get(topic.name()).get(30, TimeUnit.SECONDS);
          LOG.info("Created topic {} ({} partitions, replication {})", topic.name(), topic.numPartitions(), topic.replicationFactor());
        } catch (ExecutionException e) {
          // Another process starting at the same moment created it first: just as good.
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    }
  }
}
