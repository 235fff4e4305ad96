package io.codedelivery.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU of another process by thread group, from Linux's {@code /proc/<pid>/task/<tid>/schedstat} (nanoseconds on
 * the CPU, exact) and {@code comm} (the thread's name, cut to 15 characters): every thread of the JVM, the garbage
 * collector's and the JIT compilers' included, which {@link java.lang.management.ThreadMXBean} does not see. A
 * thread that ends between two samples takes its time with it (the server's threads are pooled and live as long as
 * it does). The share of it spent in the kernel (system calls: socket writes and reads, wake-ups) comes from the
 * coarser tick counts of {@code stat}.
 */
final class ThreadGroupCpu {
  /** Where a thread's time goes, by the name the JVM, Vert.x or Kafka gave it. */
  enum Group {
    EVENT_LOOPS("event loops"),
    KAFKA_CONSUMER("Kafka consumer"),
    GC("GC"),
    JIT("JIT"),
    OTHER("other");

    final String label;

    Group(String label) {
      this.label = label;
    }

    static Group of(String threadName) {
      if (threadName.startsWith("vert.x-eventloo")) {
        return EVENT_LOOPS;
      }
      // Vert.x's poll thread, and the heartbeat thread of Kafka's consumer
      if (threadName.startsWith("vert.x-kafka-co") || threadName.startsWith("kafka-coordinat")) {
        return KAFKA_CONSUMER;
      }
      if (threadName.startsWith("GC Thread") || threadName.startsWith("G1 ")) {
        return GC;
      }
      if (threadName.startsWith("C1 CompilerThre") || threadName.startsWith("C2 CompilerThre") || threadName.startsWith("Sweeper thread")) {
        return JIT;
      }
      return OTHER;
    }
  }

  /**
   * CPU nanoseconds of each live thread of the process at one instant, and of that the share in the kernel in clock
   * ticks ({@code utime}, {@code stime} of {@code /proc/<pid>/task/<tid>/stat}), to split the exact figure by.
   */
  record Sample(long wallNanos, Map<Long, Long> cpuByThread, Map<Long, String> names, Map<Long, long[]> ticksByThread) {
  }

  /**
   * What the process used between two samples.
   *
   * @param byThreadName nanoseconds by thread name, numbers and all (the busiest threads of "other" show there)
   */
  record Usage(double wallNanos, Map<Group, Long> byGroup, Map<String, Long> byThreadName, Map<Group, Double> kernelShare) {
    long total() {
      return byGroup.values().stream().mapToLong(Long::longValue).sum();
    }

    long totalWithoutJit() {
      return total() - byGroup.get(Group.JIT);
    }

    double cores(long nanos) {
      return wallNanos <= 0 ? 0 : nanos / wallNanos;
    }
  }

  private ThreadGroupCpu() {
  }

  static boolean available(long pid) {
    return Files.isDirectory(Path.of("/proc", String.valueOf(pid), "task"));
  }

  static Sample sample(long pid) {
    Map<Long, Long> cpu = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    Map<Long, long[]> ticks = new HashMap<>();
    long wall = System.nanoTime();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      tasks.forEach(task -> {
        try {
          long tid = Long.parseLong(task.getFileName().toString());
          String schedstat = Files.readString(task.resolve("schedstat"));
          cpu.put(tid, Long.parseLong(schedstat.substring(0, schedstat.indexOf(' '))));
          names.put(tid, Files.readString(task.resolve("comm")).strip());
          // After the name in parentheses: state is field 3, utime 14 and stime 15.
          String stat = Files.readString(task.resolve("stat"));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks.put(tid, new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])});
        } catch (IOException | RuntimeException e) {
          // the thread ended while being read
        }
      });
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the threads of process " + pid + " (Linux only)", e);
    }
    return new Sample(wall, cpu, names, ticks);
  }

  static Usage between(Sample start, Sample end) {
    Map<Group, Long> byGroup = new EnumMap<>(Group.class);
    for (Group group : Group.values()) {
      byGroup.put(group, 0L);
    }
    Map<String, Long> byName = new HashMap<>();
    Map<Group, long[]> ticks = new EnumMap<>(Group.class);
    end.cpuByThread().forEach((tid, nanos) -> {
      long used = nanos - start.cpuByThread().getOrDefault(tid, 0L);
      String name = end.names().get(tid);
      Group group = Group.of(name);
      byGroup.merge(group, used, Long::sum);
      byName.merge(name, used, Long::sum);
      long[] before = start.ticksByThread().getOrDefault(tid, new long[2]);
      long[] after = end.ticksByThread().getOrDefault(tid, before);
      long[] sum = ticks.computeIfAbsent(group, g -> new long[2]);
      sum[0] += after[0] - before[0];
      sum[1] += after[1] - before[1];
    });
    Map<Group, Double> kernelShare = new EnumMap<>(Group.class);
    ticks.forEach((group, t) -> kernelShare.put(group, t[0] + t[1] == 0 ? 0 : (double) t[1] / (t[0] + t[1])));
    return new Usage(end.wallNanos() - start.wallNanos(), byGroup, byName, kernelShare);
  }
}
