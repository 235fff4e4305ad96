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
 * it does).
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

  /** CPU nanoseconds of each live thread of the process at one instant. */
  record Sample(long wallNanos, Map<Long, Long> cpuByThread, Map<Long, String> names) {
  }

  /**
   * What the process used between two samples.
   *
   * @param byThreadName nanoseconds by thread name, numbers and all (the busiest threads of "other" show there)
   */
  record Usage(double wallNanos, Map<Group, Long> byGroup, Map<String, Long> byThreadName) {
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
    long wall = System.nanoTime();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      tasks.forEach(task -> {
        try {
          long tid = Long.parseLong(task.getFileName().toString());
          String schedstat = Files.readString(task.resolve("schedstat"));
          cpu.put(tid, Long.parseLong(schedstat.substring(0, schedstat.indexOf(' '))));
          names.put(tid, Files.readString(task.resolve("comm")).strip());
        } catch (IOException | RuntimeException e) {
          // the thread ended while being read
        }
      });
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the threads of process " + pid + " (Linux only)", e);
    }
    return new Sample(wall, cpu, names);
  }

  static Usage between(Sample start, Sample end) {
    Map<Group, Long> byGroup = new EnumMap<>(Group.class);
    for (Group group : Group.values()) {
      byGroup.put(group, 0L);
    }
    Map<String, Long> byName = new HashMap<>();
    end.cpuByThread().forEach((tid, nanos) -> {
      long used = nanos - start.cpuByThread().getOrDefault(tid, 0L);
      String name = end.names().get(tid);
      byGroup.merge(Group.of(name), used, Long::sum);
      byName.merge(name, used, Long::sum);
    });
    return new Usage(end.wallNanos() - start.wallNanos(), byGroup, byName);
  }
}
