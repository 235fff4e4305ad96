package io.codedelivery.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Gives the browser cores of its own (console mode, {@code --browser-cpus}): Chromium's processes on the given CPUs,
 * this JVM (the server, its embedded Kafka and store, the harness) on the others. An operator's browser does not share
 * its computer with the server; on one machine the two would otherwise take turns on the same cores, and the page's own
 * task times (wall time) would then count the server's turns as the console's. Affinity is set with util-linux's
 * {@code taskset} on every thread ({@code -a}); threads and processes started later inherit their parent's.
 */
final class CpuPinning {
  private CpuPinning() {
  }

  /** Pins Chromium (this JVM's descendants named chrom*) to {@code browserCpus} (a taskset list, e.g. "1") and this JVM to the rest. */
  static String pin(String browserCpus) {
    List<Integer> browser = parseList(browserCpus);
    int cpus = Runtime.getRuntime().availableProcessors();
    String server = IntStream.range(0, cpus).filter(cpu -> !browser.contains(cpu)).mapToObj(String::valueOf)
        .collect(Collectors.joining(","));
    if (server.isEmpty() || browser.stream().anyMatch(cpu -> cpu < 0 || cpu >= cpus)) {
      throw new IllegalArgumentException("--browser-cpus " + browserCpus + ": give some of CPUs 0.." + (cpus - 1)
          + " and leave at least one to the server");
    }
    List<Long> chromium = ChromiumCpu.processes();
    if (chromium.isEmpty()) {
      throw new IllegalStateException("--browser-cpus: no Chromium process found to pin");
    }
    for (long pid : chromium) {
      taskset(browserCpus, pid);
    }
    taskset(server, ProcessHandle.current().pid());
    return String.format(Locale.ROOT, "browser on CPU %s (%d processes), server on CPU %s", browserCpus, chromium.size(), server);
  }

  private static List<Integer> parseList(String list) {
    List<Integer> cpus = new ArrayList<>();
    for (String part : list.split(",")) {
      String[] range = part.trim().split("-");
      int from = Integer.parseInt(range[0]);
      int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
      IntStream.rangeClosed(from, to).forEach(cpus::add);
    }
    return cpus;
  }

  private static void taskset(String cpus, long pid) {
    try {
      Process process = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, String.valueOf(pid))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (process.waitFor() != 0) {
        throw new IllegalStateException("taskset -a -p -c " + cpus + " " + pid + " failed (exit " + process.exitValue() + ")");
      }
    } catch (IOException e) {
      throw new IllegalStateException("--browser-cpus needs util-linux's taskset: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pinning", e);
    }
  }
}
