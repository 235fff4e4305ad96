package io.codedelivery;

import ch.qos.logback.classic.Level;
import io.codedelivery.config.AppConfig;
import io.codedelivery.config.Role;
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

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
