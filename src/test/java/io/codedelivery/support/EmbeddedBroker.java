package io.codedelivery.support;

import io.codedelivery.infra.EmbeddedKafka;
import io.codedelivery.kafka.TopicSetup;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real single-node broker with the application's topics, on free ports and a fresh directory, for tests that
 * deploy one verticle against Kafka without starting the rest of the application.
 */
public final class EmbeddedBroker implements AutoCloseable {
  private final Path dataDir;
  private final EmbeddedKafka kafka;
  private final String bootstrapServers;

  private EmbeddedBroker(Path dataDir, EmbeddedKafka kafka, String bootstrapServers) {
    this.dataDir = dataDir;
    this.kafka = kafka;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Blocking, as at the application's start-up. One partition of directions makes the order in which a test
   * produces them the order in which the simulation reads them.
   */
  public static EmbeddedBroker start(int positionsPartitions, int directionsPartitions) throws Exception {
    Path dataDir = Files.createTempDirectory("code-delivery-broker");
    int port = TestStack.freePort();
    EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, port, TestStack.freePort());
    String bootstrapServers = "localhost:" + port;
    try {
      TopicSetup.ensureTopics(bootstrapServers, positionsPartitions, directionsPartitions);
    } catch (Exception e) {
      kafka.close();
      TempDirs.deleteTree(dataDir);
      throw e;
    }
    return new EmbeddedBroker(dataDir, kafka, bootstrapServers);
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public void close() {
    kafka.close();
    TempDirs.deleteTree(dataDir);
  }
}
