package io.codedelivery;

import ch.qos.logback.classic.Level;
import io.codedelivery.config.AppConfig;
import io.codedelivery.config.Role;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar code-delivery.jar}: reads the configuration, starts the application, stops it on SIGTERM/Ctrl-C. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    long started = System.nanoTime();
    AppConfig config;
    try {
      config = AppConfig.load(System.getenv());
    } catch (AppConfig.ConfigException e) {
      System.err.println("Configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.codedelivery")).setLevel(Level.toLevel(config.logLevel()));
    LOG.info("Starting Code Delivery with this configuration (key, environment variable, value):\n{}", config.describe());
    warmUp(config);
    Application app;
    try {
      app = Application.start(config);
    } catch (Exception e) {
      LOG.error("Code Delivery could not start: {}", rootMessage(e), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Stopping Code Delivery");
      app.close();
    }, "shutdown"));
    LOG.info("Code Delivery started in {} ms{}", (System.nanoTime() - started) / 1_000_000,
        config.roles().contains(Role.WEB) ? ": open " + (config.tls() ? "https" : "http") + "://localhost:" + config.httpPort() + "/" : "");
  }

  /** A warm-up that fails costs this start only its time: the instance starts as it would have without one. */
  private static void warmUp(AppConfig config) {
    if (config.warmupSeconds() == 0) {
      return;
    }
    LOG.info("Warming up for {} s on a private copy of the application (embedded, temporary data, free ports) before "
        + "starting: the JIT compiles the position path now rather than while the first users wait", config.warmupSeconds());
    long started = System.nanoTime();
    try {
      WarmUp.Result rehearsal = WarmUp.rehearse(Duration.ofSeconds(config.warmupSeconds()));
      LOG.info("Warm-up done: {} deliveries followed over SockJS ({} positions), {} fixes accepted by the ingest port, in {} ms",
          rehearsal.deliveries(), rehearsal.positions(), rehearsal.fixes(), (System.nanoTime() - started) / 1_000_000);
    } catch (Exception e) {
      LOG.warn("Warm-up failed, starting without it: {}", rootMessage(e));
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
