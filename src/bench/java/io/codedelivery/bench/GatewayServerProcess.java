package io.codedelivery.bench;

import io.codedelivery.config.Setting;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.support.TestStack;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.Map;

/**
 * The server under test of the gateway mode, alone in its JVM: the application with the web and bridge roles only,
 * on the broker and store of a {@link BrokerProcess} ({@code <kafka bootstrap servers> <mongo uri>}). Says
 * {@code READY {"httpPort":…,"token":…}} once ready (the token: its admin's session, for the subscribers), then
 * every second {@code STATS {"bridged":…}} (positions published to the event bus so far), and runs until told to end.
 */
final class GatewayServerProcess {
  private GatewayServerProcess() {
  }

  public static void main(String[] args) {
    ChildProcess.exitAfter(() -> run(args));
  }

  private static void run(String[] args) throws Exception {
    PrintWriter out = ChildJvm.linesToBenchmark();
    Map<Setting, String> overrides = new EnumMap<>(Setting.class);
    overrides.put(Setting.ROLES, "bridge,web");
    overrides.put(Setting.KAFKA_BOOTSTRAP_SERVERS, args[0]);
    overrides.put(Setting.MONGO_URI, args[1]);
    try (TestStack stack = TestStack.start(overrides)) {
      PipelineBenchmark.awaitReady(stack.managementUrl() + "/health/ready");
      Counter bridged = stack.app().metrics().registry().get(PipelineMetrics.BRIDGED).counter();
      ChildProcess.say(out, "READY", new JsonObject().put("httpPort", stack.httpPort()).put("token", stack.adminToken()));
      // A thread of its own, named so that its little time counts as "other", not as an event loop's.
      Thread stats = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          ChildProcess.say(out, "STATS", new JsonObject().put("bridged", (long) bridged.count()));
          try {
            Thread.sleep(1_000);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "bench-stats");
      stats.setDaemon(true);
      stats.start();
      ChildProcess.awaitEnd();
      stats.interrupt();
      ChildProcess.say(out, "END", new JsonObject().put("bridged", (long) bridged.count()));
    }
  }
}
