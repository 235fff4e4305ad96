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
import java.util.concurrent.TimeUnit;

/**
 * Times what an operator sees: the packaged jar, launched as {@code java -jar} in a process of its own on fresh
 * ports and an empty data directory, until {@code /health/ready} answers 200 (embedded broker and store included).
 */
final class JarStartup {
  private JarStartup() {
  }

  static JsonObject measure(Path jar, Path logDir) throws Exception {
    if (!Files.isRegularFile(jar)) {
      return new JsonObject().put("skipped", "no " + jar + " (the benchmark command packages it)");
    }
    Map<Setting, String> settings = TestStack.isolatedSettings("code-delivery-bench-jar");
    Path dataDir = Path.of(settings.get(Setting.DATA_DIR));
    File log = logDir.resolve("jar-startup.log").toFile();
    String readyUrl = readyUrl(settings);

    long t0 = System.nanoTime();
    Process process = launch(jar, settings, List.of(), logDir, log);
    try {
      PipelineBenchmark.awaitReady(readyUrl);
      long readyMs = (System.nanoTime() - t0) / 1_000_000;
      long rssKb = ResourceSampler.statusKb(process.pid(), "VmRSS");
      System.out.printf("Jar start-up: java -jar %s answered /health/ready 200 after %d ms (RSS %d MB); log in %s%n",
          jar, readyMs, rssKb >> 10, log);
      return new JsonObject().put("readyMs", readyMs).put("rssAtReadyMB", rssKb >> 10);
    } finally {
      stop(process, dataDir);
    }
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
