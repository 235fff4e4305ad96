package io.codedelivery.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A JVM of its own for a load generator ({@link SubscriberProcess}, {@link DeviceLoadProcess}) or a part of the
 * gateway mode ({@link GatewayBenchmark}): this benchmark's class path, a 1 GB heap unless told otherwise, its GC log
 * and stderr in the output directory (a pause of the load tells itself apart from one of the server there); lines
 * from its stdout go to a handler on a reader thread, commands to its stdin.
 */
final class ChildJvm {
  /** How the admin's session token reaches a child: in its environment, not on a command line anyone may list. */
  private static final String TOKEN_ENV = "BENCH_SESSION_TOKEN";
  private final Process process;
  private final PrintWriter commands;

  /**
   * @param name   names its log files: {@code <name>.log} (stderr) and {@code <name>-gc.log}
   * @param token  the session token it signs its requests and bridge frames with ({@link #token()} in the child)
   * @param onLine every line of its stdout, then {@code onExit} once it closed stdout (exited)
   */
  ChildJvm(Path logDir, String name, Class<?> main, List<String> args, String token, Consumer<String> onLine,
      Consumer<Exception> onExit) throws IOException {
    this(logDir, name, List.of("-Xmx1g"), main, args, token, onLine, onExit);
  }

  /** @param jvmOptions heap and collector options of its own, in place of the load generators' 1 GB heap */
  ChildJvm(Path logDir, String name, List<String> jvmOptions, Class<?> main, List<String> args, String token,
      Consumer<String> onLine, Consumer<Exception> onExit) throws IOException {
    Files.createDirectories(logDir);
    List<String> command = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-Xlog:gc:file=" + logDir.resolve(name + "-gc.log") + ":time", "-cp",
        System.getProperty("java.class.path"), main.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put(TOKEN_ENV, token);
    builder.redirectError(log(logDir, name).toFile());
    process = builder.start();
    commands = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
    Thread reader = new Thread(() -> {
      Exception failure = null;
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          onLine.accept(line);
        }
      } catch (Exception e) {
        System.err.println("Reading the " + name + " process failed: " + e);
        failure = e;
      }
      onExit.accept(failure == null ? new IllegalStateException("the " + name + " process exited") : failure);
    }, name + "-process-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** In the child: its application logs at WARN only, and the writer of its lines to the benchmark. */
  static PrintWriter linesToBenchmark() {
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    return new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
  }

  /** In the child: the session token its parent signed in for. */
  static String token() {
    String token = System.getenv(TOKEN_ENV);
    if (token == null || token.isBlank()) {
      throw new IllegalStateException(TOKEN_ENV + " is not set: start this process through the benchmark");
    }
    return token;
  }

  static Path log(Path logDir, String name) {
    return logDir.resolve(name + ".log");
  }

  long pid() {
    return process.pid();
  }

  void command(String line) {
    commands.println(line);
  }

  /** Tells it to end, and waits (a minute at most) for its last word. */
  <T> T end(CompletableFuture<T> lastWord) throws Exception {
    command("END");
    return lastWord.get(60, TimeUnit.SECONDS);
  }

  /** Waits for it to exit by itself when it was told to end ({@code ended}); kills it otherwise, or if it lingers. */
  void close(boolean ended) throws InterruptedException {
    // After its end it closes its sockets and exits by itself; a kill would reset every connection at once.
    if (!ended || !process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroy();
    }
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
