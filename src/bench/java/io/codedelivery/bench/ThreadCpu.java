package io.codedelivery.bench;

import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU of this process by thread group over a window: the event loops, the Kafka clients' network threads, the
 * embedded broker's and store's threads… A group is the thread name with its numbers blanked out
 * ({@code vert.x-eventloop-thread-#}), so the instances of one pool add up. Threads that end within the window are
 * not counted.
 */
final class ThreadCpu {
  private static final int TOP_GROUPS = 12;

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private Map<Long, Long> atStart = Map.of();
  private long startNanos;

  ThreadCpu() {
    reset();
  }

  void reset() {
    atStart = cpuByThread(null);
    startNanos = System.nanoTime();
  }

  /**
   * The busiest groups since {@link #reset()}, in cores (1.0 = one core busy all the window), busiest first; then, as
   * "busiest thread", the one thread that used most (a single event loop at its limit shows there, not in its group).
   */
  JsonObject coresByGroup() {
    double wall = System.nanoTime() - startNanos;
    Map<String, Long> byGroup = new HashMap<>();
    Map<String, Long> byThread = new HashMap<>();
    cpuByThread(byGroup, byThread);
    JsonObject top = new JsonObject();
    byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(TOP_GROUPS)
        .forEach(group -> top.put(group.getKey(), cores(group.getValue(), wall)));
    byThread.entrySet().stream().max(Map.Entry.comparingByValue())
        .ifPresent(busiest -> top.put("busiest thread: " + busiest.getKey(), cores(busiest.getValue(), wall)));
    return top;
  }

  private static double cores(long nanos, double wallNanos) {
    return Math.round(nanos / wallNanos * 100) / 100.0;
  }

  private Map<Long, Long> cpuByThread(Map<String, Long> byGroup) {
    return cpuByThread(byGroup, new HashMap<>());
  }

  /** CPU nanoseconds of every live thread; also adds each one's use since the start to its group and to its name. */
  private Map<Long, Long> cpuByThread(Map<String, Long> byGroup, Map<String, Long> byThread) {
    Map<Long, Long> cpu = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long nanos = threads.getThreadCpuTime(info.getThreadId());
      if (nanos < 0) {
        continue;
      }
      cpu.put(info.getThreadId(), nanos);
      if (byGroup != null) {
        long used = nanos - atStart.getOrDefault(info.getThreadId(), 0L);
        byGroup.merge(info.getThreadName().replaceAll("\\d+", "#"), used, Long::sum);
        byThread.merge(info.getThreadName(), used, Long::sum);
      }
    }
    return cpu;
  }
}
