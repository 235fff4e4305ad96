package io.codedelivery.support;

import io.codedelivery.config.KafkaConnection;
import io.codedelivery.infra.EmbeddedKafka;
import io.codedelivery.kafka.TopicSetup;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real single-node broker with the application's topics, on free ports and a fresh directory: for tests that
 * deploy one verticle against Kafka, and for outage tests, which stop it and start it again with its data.
 */
public final class EmbeddedBroker implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private final int controllerPort;
  private EmbeddedKafka kafka;

  private EmbeddedBroker(Path dataDir, int port, int controllerPort) {
    this.dataDir = dataDir;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /**
   * Blocking, as at the application's start-up. One partition of directions makes the order in which a test
   * produces them the order in which the simulation reads them.
   */
  public static EmbeddedBroker start(int positionsPartitions, int directionsPartitions) throws Exception {
    EmbeddedBroker broker = new EmbeddedBroker(Files.createTempDirectory("code-delivery-broker"),
        TestStack.freePort(), TestStack.freePort());
    try {
      broker.startAgain();
      TopicSetup.ensureTopics(broker.connection(), positionsPartitions, directionsPartitions);
    } catch (Exception e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  public String bootstrapServers() {
    return "localhost:" + port;
  }

  /** What a Kafka client needs to reach this broker: it is plaintext, as the embedded one always is. */
  public KafkaConnection connection() {
    return KafkaConnection.plaintext(bootstrapServers());
  }

  /** Starts the broker again on the same ports and data after {@link #stop()}; blocking. */
  public void startAgain() throws Exception {
    if (kafka == null) {
      kafka = EmbeddedKafka.start(dataDir, port, controllerPort);
    }
  }

  /** Stops the broker, keeping its data: an outage, as clients see one. */
  public void stop() {
    if (kafka != null) {
      kafka.close();
      kafka = null;
    }
  }

  @Override
  public void close() {
    stop();
    TempDirs.deleteTree(dataDir);
  }
}
