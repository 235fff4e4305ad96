package io.codedelivery.support;

import static org.awaitility.Awaitility.await;

import io.codedelivery.Main;
import io.codedelivery.config.Setting;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The application as operators run it, {@link Main} in a JVM of its own on this test run's class path, for tests that
 * kill it, restart it or read its log; the caller stops it.
 */
public final class AppProcess {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private AppProcess() {
  }

  /**
   * Starts it with {@code env} added to this environment, its output in {@code target/<logName>}, and returns once its
   * {@code /health/ready} answers 200 (within {@code wait}; else it is killed and the await fails).
   */
  public static Process startReady(Map<String, String> env, String logName, Duration wait) throws Exception {
    return startReady(env, logName, wait, Path.of(""));
  }

  /**
   * The same, run in {@code workingDirectory}: elsewhere than the checkout, the process finds no {@code conf/} or
   * {@code webroot/} on disk and uses the copies on its class path, as the jar does in a container.
   */
  public static Process startReady(Map<String, String> env, String logName, Duration wait, Path workingDirectory) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + "/bin/java",
        "-cp", System.getProperty("java.class.path"), Main.class.getName());
    builder.environment().putAll(env);
    builder.directory(workingDirectory.toAbsolutePath().toFile());
    builder.redirectErrorStream(true).redirectOutput(Path.of("target", logName).toAbsolutePath().toFile());
    Process process = builder.start();
    URI ready = URI.create("http://localhost:" + env.get(Setting.MANAGEMENT_PORT.envVar()) + "/health/ready");
    try {
      await().atMost(wait).failFast("the process exited; its output is in target/" + logName, () -> !process.isAlive())
          .ignoreExceptions().until(() -> HTTP.send(HttpRequest.newBuilder(ready)
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
      return process;
    } catch (RuntimeException | Error notReady) {
      process.destroyForcibly();
      throw notReady;
    }
  }
}
