package io.codedelivery.bench;

import io.codedelivery.config.AppConfig;
import io.codedelivery.support.EmbeddedBroker;
import io.codedelivery.support.EmbeddedStore;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.Map;

/**
 * The gateway mode's infrastructure in a JVM of its own, so that the broker's work is not the server's: the embedded
 * Kafka broker with the application's topics (partitions as configured) and the embedded store, which the server
 * needs for its sign-in and sessions only. Says {@code READY {"kafka":…,"mongo":…}} and runs until told to end.
 */
final class BrokerProcess {
  private BrokerProcess() {
  }

  public static void main(String[] args) {
    ChildProcess.exitAfter(() -> run(args));
  }

  private static void run(String[] args) throws Exception {
    PrintWriter out = ChildJvm.linesToBenchmark();
    AppConfig config = AppConfig.load(Map.of());
    try (EmbeddedBroker broker = EmbeddedBroker.start(config.positionsPartitions(), config.directionsPartitions());
         EmbeddedStore store = EmbeddedStore.start()) {
      ChildProcess.say(out, "READY", new JsonObject().put("kafka", broker.bootstrapServers()).put("mongo", store.uri()));
      ChildProcess.awaitEnd();
      ChildProcess.say(out, "END", new JsonObject());
    }
  }
}
