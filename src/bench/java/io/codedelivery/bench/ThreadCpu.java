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

  /** The busiest groups since {@link #reset()}, in cores (1.0 = one core busy all the window), busiest first. */
  JsonObject coresByGroup() {
    double wall = System.nanoTime() - startNanos;
    Map<String, Long> byGroup = new HashMap<>();
    cpuByThread(byGroup);
    JsonObject top = new JsonObject();
    byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(TOP_GROUPS)
        .forEach(group -> top.put(group.getKey(), Math.round(group.getValue() / wall * 100) / 100.0));
    return top;
  }

  /** CPU nanoseconds of every live thread; when {@code byGroup} is given, also adds each one's use since the start to it. */
  private Map<Long, Long> cpuByThread(Map<String, Long> byGroup) {
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
      }
    }
    return cpu;
  }
}
