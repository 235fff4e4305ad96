package io.codedelivery.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time Chromium used, read from {@code /proc} for the browser this JVM started (its processes are this JVM's
 * descendants, through chromedriver): the renderers' main threads (where the console's scripts, style, layout and
 * paint run) and all of Chromium's processes together (browser, GPU/compositor, network,
 * renderers). CPU time, unlike the page's own task timings, does not grow when the machine's other processes take the
 * cores from it. Zero where there is no {@code /proc}.
 */
final class ChromiumCpu {
  /** Linux's USER_HZ: the unit of utime and stime in /proc/<pid>/stat, 100 on every mainstream architecture. */
  private static final double TICKS_PER_SECOND = 100;

  private ChromiumCpu() {
  }

  /** CPU seconds so far: of the renderers' main threads, and of every Chromium process. */
  record Reading(long nanos, double rendererMainSeconds, double allSeconds) {
    /** Cores used between {@code before} and this reading: {rendererMain, all}. */
    double[] coresSince(Reading before) {
      double wall = Math.max(1e-9, (nanos - before.nanos) / 1e9);
      return new double[] {(rendererMainSeconds - before.rendererMainSeconds) / wall, (allSeconds - before.allSeconds) / wall};
    }
  }

  static Reading read() {
    long now = System.nanoTime();
    double main = 0;
    double all = 0;
    for (long pid : processes()) {
      Path proc = Path.of("/proc", String.valueOf(pid));
      all += cpuSeconds(proc.resolve("stat"));
      if (isRenderer(proc)) {
        // Chromium names its main threads (CrRendererMain) only inside the process: in /proc the main thread is
        // the one whose id is the process's.
        main += cpuSeconds(proc.resolve("task").resolve(proc.getFileName()).resolve("stat"));
      }
    }
    return new Reading(now, main, all);
  }

  /** The pids of the Chromium this JVM started (its descendants named chrom*, chromedriver aside). */
  static List<Long> processes() {
    return ProcessHandle.current().descendants().map(ProcessHandle::pid).filter(pid -> {
      String name = Machine.firstLine(Path.of("/proc", String.valueOf(pid), "comm"));
      return name != null && name.startsWith("chrom") && !name.equals("chromedriver");
    }).toList();
  }

  private static boolean isRenderer(Path proc) {
    try {
      return new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).contains("--type=renderer");
    } catch (IOException e) {
      return false;
    }
  }

  /** utime + stime of a /proc stat file (fields 14 and 15; the command name before them may hold blanks). */
  private static double cpuSeconds(Path stat) {
    String line = Machine.firstLine(stat);
    if (line == null) {
      return 0;
    }
    String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
  }
}
