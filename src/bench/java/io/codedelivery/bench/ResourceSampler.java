package io.codedelivery.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Samples this process once a second: CPU load (com.sun.management), heap in use, and resident set size from
 * {@code /proc/self/status}; and the machine's load average when a window starts and ends. {@link #reset()} starts a
 * new window.
 */
final class ResourceSampler implements AutoCloseable {
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final Thread thread;
  private volatile boolean running = true;

  private double cpuLoadSum;
  private int cpuLoadSamples;
  private long heapMax;
  private long rssMax;
  private long cpuTimeAtReset;
  private long wallAtReset;
  private double loadAverageAtReset;
  private volatile double lastCpuLoad;

  ResourceSampler() {
    reset();
    thread = new Thread(this::loop, "bench-resource-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      sample();
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private synchronized void sample() {
    double load = os.getProcessCpuLoad();
    if (load >= 0) {
      cpuLoadSum += load;
      cpuLoadSamples++;
      lastCpuLoad = load;
    }
    heapMax = Math.max(heapMax, memory.getHeapMemoryUsage().getUsed());
    rssMax = Math.max(rssMax, statusKb("VmRSS") * 1024);
  }

  synchronized void reset() {
    cpuLoadSum = 0;
    cpuLoadSamples = 0;
    heapMax = memory.getHeapMemoryUsage().getUsed();
    rssMax = statusKb("VmRSS") * 1024;
    cpuTimeAtReset = os.getProcessCpuTime();
    wallAtReset = System.nanoTime();
    loadAverageAtReset = Machine.loadAverage();
  }

  /** What the window since the last reset looked like. */
  synchronized Snapshot snapshot() {
    long wall = System.nanoTime() - wallAtReset;
    long cpu = os.getProcessCpuTime() - cpuTimeAtReset;
    return new Snapshot(
        cpuLoadSamples == 0 ? -1 : cpuLoadSum / cpuLoadSamples,
        wall <= 0 ? 0 : (double) cpu / wall,
        Runtime.getRuntime().availableProcessors(),
        heapMax,
        Runtime.getRuntime().maxMemory(),
        rssMax,
        statusKb("VmHWM") * 1024,
        loadAverageAtReset,
        Machine.loadAverage());
  }

  double lastCpuLoad() {
    return lastCpuLoad;
  }

  long heapUsedNow() {
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** A field of /proc/self/status in kB, or -1 (not Linux). */
  static long statusKb(String field) {
    return statusKb(ProcessHandle.current().pid(), field);
  }

  /** A kB field of a process's /proc status (VmRSS, VmHWM…); -1 where there is no /proc. */
  static long statusKb(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  /**
   * @param cpuLoadAvg     mean of getProcessCpuLoad() samples: share of all cores, 0..1
   * @param coresUsed      process CPU time over wall time in the window (1.0 = one core busy)
   * @param loadAverageAtStart the machine's one-minute load average when the window started ({@link Machine#loadAverage()})
   */
  record Snapshot(double cpuLoadAvg, double coresUsed, int cores, long heapUsedMax, long heapMax, long rssMax, long rssPeak,
                  double loadAverageAtStart, double loadAverageAtEnd) {
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
