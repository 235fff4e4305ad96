package io.codedelivery.infra;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one) running in this JVM. Its log directory
 * is formatted on first start and reused afterwards, so records survive a restart on the same data directory.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final int NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";

  private final KafkaRaftServer server;

  private EmbeddedKafka(KafkaRaftServer server) {
    this.server = server;
  }

  /** Formats the log directory the first time (a new cluster id), then starts the broker; blocks until it accepts clients. */
  public static EmbeddedKafka start(Path dataDir, int port, int controllerPort) throws Exception {
    Path logDir = dataDir.resolve("kafka").toAbsolutePath();
    Files.createDirectories(logDir);
    KafkaConfig config = KafkaConfig.fromProps(brokerProperties(logDir, port, controllerPort));
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      format(logDir, config);
    }
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    long started = System.nanoTime();
    server.startup();
    LOG.info("Embedded Kafka broker listening on localhost:{} (data in {}), started in {} ms",
        port, logDir, (System.nanoTime() - started) / 1_000_000);
    return new EmbeddedKafka(server);
  }

  private static Properties brokerProperties(Path logDir, int port, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
    p.put("listeners", "PLAINTEXT://localhost:" + port + "," + CONTROLLER_LISTENER + "://localhost:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    // A single node: every internal topic has one replica, or the broker waits forever for more.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "10");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // The default dedupe buffer takes 128 MiB of heap for compaction we barely use.
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
    p.put("auto.create.topics.enable", "false");
    return p;
  }

  private static void format(Path logDir, KafkaConfig config) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Formatter formatter = new Formatter()
        .setPrintStream(new PrintStream(out, true, StandardCharsets.UTF_8))
        .setNodeId(NODE_ID)
        .setClusterId(Uuid.randomUuid().toString())
        .setDirectories(java.util.List.of(logDir.toString()))
        .setMetadataLogDirectory(logDir.toString())
        .setControllerListenerName(CONTROLLER_LISTENER)
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
        .setUnstableFeatureVersionsEnabled(config.unstableFeatureVersionsEnabled());
    formatter.run();
    LOG.debug("Kafka storage: {}", out.toString(StandardCharsets.UTF_8).strip());
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    LOG.info("Embedded Kafka broker stopped");
  }
}
