package io.codedelivery.bench;

import io.codedelivery.config.AppConfig;
import io.codedelivery.config.Setting;
import io.codedelivery.support.TempDirs;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Times what an operator sees: the packaged jar, launched as {@code java -jar} in a process of its own on fresh
 * ports and an empty data directory, until {@code /health/ready} answers 200 (embedded broker and store included).
 */
final class JarStartup {
  private JarStartup() {
  }

  /**
   * The README's command (with the class-data archive the build writes beside the jar, when it is there), and the
   * same without the archive, to show what it buys.
   */
  static JsonObject measure(Path jar, Path logDir) throws Exception {
    if (!Files.isRegularFile(jar)) {
      return new JsonObject().put("skipped", "no " + jar + " (the benchmark command packages it)");
    }
    JsonObject result = timeToReady(jar, logDir, withClassArchive(jar, List.of()));
    if (classArchive(jar).isPresent()) {
      JsonObject without = timeToReady(jar, logDir, List.of());
      result.put("withoutClassArchive", without);
    }
    return result;
  }

  private static JsonObject timeToReady(Path jar, Path logDir, List<String> jvmOptions) throws Exception {
    Map<Setting, String> settings = TestStack.isolatedSettings("code-delivery-bench-jar");
    Path dataDir = Path.of(settings.get(Setting.DATA_DIR));
    File log = logDir.resolve("jar-startup.log").toFile();
    String readyUrl = readyUrl(settings);

    long t0 = System.nanoTime();
    Process process = launch(jar, settings, jvmOptions, logDir, log);
    try {
      PipelineBenchmark.awaitReady(readyUrl);
      long readyMs = (System.nanoTime() - t0) / 1_000_000;
      long rssKb = ResourceSampler.statusKb(process.pid(), "VmRSS");
      System.out.printf("Jar start-up: java %s-jar %s answered /health/ready 200 after %d ms (RSS %d MB); log in %s%n",
          jvmOptions.stream().map(o -> o + " ").collect(Collectors.joining()), jar, readyMs, rssKb >> 10, log);
      return new JsonObject().put("jvmOptions", jvmOptions).put("readyMs", readyMs).put("rssAtReadyMB", rssKb >> 10);
    } finally {
      stop(process, dataDir);
    }
  }

  /** The class-data archive the build writes beside the jar ({@code ClassArchiveTraining}), if it is there. */
  static Optional<Path> classArchive(Path jar) {
    Path archive = jar.resolveSibling(jar.getFileName().toString().replaceFirst("\\.jar$", "") + ".jsa");
    return Files.isRegularFile(archive) ? Optional.of(archive) : Optional.empty();
  }

  /** {@code jvmOptions} after the option that maps the jar's class-data archive, as the README's command has it. */
  static List<String> withClassArchive(Path jar, List<String> jvmOptions) {
    List<String> options = new ArrayList<>();
    classArchive(jar).ifPresent(archive -> options.add("-XX:SharedArchiveFile=" + archive));
    options.addAll(jvmOptions);
    return options;
  }

  /** {@code java [jvmOptions] -jar jar} on these settings alone, its output in {@code log}. */
  static Process launch(Path jar, Map<Setting, String> settings, List<String> jvmOptions, Path logDir, File log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + "/bin/java");
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    // The application's own variables in the benchmark's environment (those --external needs, say) would
    // point this jar at other infrastructure and groups: it starts on its defaults and these settings alone.
    for (Setting setting : Setting.values()) {
      builder.environment().remove(setting.envVar());
    }
    builder.environment().remove(AppConfig.CONFIG_FILE_ENV);
    builder.environment().putAll(TestStack.asEnv(settings));
    Files.createDirectories(logDir);
    builder.redirectErrorStream(true).redirectOutput(log);
    return builder.start();
  }

  static String readyUrl(Map<Setting, String> settings) {
    return "http://localhost:" + settings.get(Setting.MANAGEMENT_PORT) + "/health/ready";
  }

  static void stop(Process process, Path dataDir) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    TempDirs.deleteTree(dataDir);
  }
}
