package io.codedelivery.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The machine a run measured, from {@code /proc/cpuinfo}: the same command gave p99 25 ms on a 2-core AMD EPYC and
 * 240 ms on a 2-core Xeon at 2.0 GHz, so a figure means little without the CPU it was taken on. Where there is no
 * {@code /proc} (not Linux), the model is "unknown" and the counts are the JVM's.
 *
 * @param logicalCpus the processors the kernel lists (what the JVM can run threads on)
 * @param cores       physical cores ({@code cpu cores} per package times the packages), 0 when not listed
 * @param mhz         the mean of the processors' current clocks, 0 when not listed (frequency scaling moves it)
 */
record Machine(String cpuModel, int logicalCpus, int cores, double mhz) {
  private static final Path CPUINFO = Path.of("/proc/cpuinfo");
  private static final Path LOADAVG = Path.of("/proc/loadavg");

  static Machine current() {
    try {
      return parse(Files.readAllLines(CPUINFO));
    } catch (IOException | RuntimeException e) {
      return new Machine("unknown", Runtime.getRuntime().availableProcessors(), 0, 0);
    }
  }

  static Machine parse(List<String> cpuinfo) {
    String model = "unknown";
    int processors = 0;
    int coresPerPackage = 0;
    Set<String> packages = new HashSet<>();
    double mhzSum = 0;
    int mhzCount = 0;
    for (String line : cpuinfo) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).strip();
      String value = line.substring(colon + 1).strip();
      switch (key) {
        case "processor" -> processors++;
        case "model name" -> model = processors <= 1 ? value : model;
        case "cpu cores" -> coresPerPackage = Integer.parseInt(value);
        case "physical id" -> packages.add(value);
        case "cpu MHz" -> {
          mhzSum += Double.parseDouble(value);
          mhzCount++;
        }
        default -> {
          // not needed
        }
      }
    }
    return new Machine(model, processors == 0 ? Runtime.getRuntime().availableProcessors() : processors,
        coresPerPackage * Math.max(1, packages.size()), mhzCount == 0 ? 0 : mhzSum / mhzCount);
  }

  /** One line for the header and the table: "AMD EPYC, 2 logical CPUs (2 cores), 2096 MHz". */
  String describe() {
    return String.format(Locale.ROOT, "%s, %d logical CPUs%s%s", cpuModel, logicalCpus,
        cores > 0 ? " (" + cores + (cores == 1 ? " core)" : " cores)") : "", mhz > 0 ? String.format(Locale.ROOT, ", %.0f MHz", mhz) : "");
  }

  JsonObject toJson() {
    return new JsonObject().put("cpuModel", cpuModel).put("logicalCpus", logicalCpus).put("cores", cores)
        .put("mhz", Math.round(mhz));
  }

  /**
   * The machine's one-minute load average (runnable threads of every process, this one's included), or -1 where there
   * is no {@code /proc/loadavg}: on a machine shared with other work, what says how much of it a run had.
   */
  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(LOADAVG).strip().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The 1, 5 and 15 minute load averages as "1.02 0.87 0.65" (what the console's report shows), or "unknown". */
  static String loadAverages() {
    String line = firstLine(LOADAVG);
    if (line == null) {
      return "unknown";
    }
    String[] fields = line.split(" ");
    return fields[0] + " " + fields[1] + " " + fields[2];
  }

  /** The first line of a (/proc) file, or null when it cannot be read (gone, or not Linux). */
  static String firstLine(Path file) {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.findFirst().orElse(null);
    } catch (IOException | UncheckedIOException e) {
      return null;
    }
  }
}
