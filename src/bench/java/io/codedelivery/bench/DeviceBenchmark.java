package io.codedelivery.bench;

import io.codedelivery.config.Setting;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.support.TestStack;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The devices mode ({@code --devices N}): the ingest, tracking, events, bridge and web roles (and persistence unless
 * {@code --no-persistence}) in this JVM on embedded Kafka and store; N phones posting OsmAnd fixes at
 * {@code --fix-rate} from a {@link DeviceLoadProcess}, whose subscribers watch {@code --subscribers} of the
 * deliveries. Measured over the window: fixes answered 200 a second and the other answers by status, the latency
 * from a phone's request to a subscriber's receipt, fixes answered 200 and never seen (lost) or seen twice,
 * and this process's CPU (by thread group) and heap.
 */
final class DeviceBenchmark {
  private static final String FIXES_ACCEPTED = "codedelivery.fixes.accepted";
  private static final String FIXES_TRACKED = "codedelivery.fixes.tracked";

  private final BenchOptions opts;

  DeviceBenchmark(BenchOptions opts) {
    this.opts = opts;
  }

  /** What the phones and the application had done at one instant. */
  record Reading(long nanos, JsonObject phones, double accepted, double tracked, double bridged, double persisted, long delivered) {
    long sent() {
      return phones.getLong("sent", 0L);
    }

    long answered200() {
      return phones.getLong("accepted", 0L);
    }
  }

  JsonObject run() throws Exception {
    Map<Setting, String> overrides = new EnumMap<>(Setting.class);
    overrides.put(Setting.ROLES, opts.persistence ? "ingest,tracking,events,bridge,persistence,web" : "ingest,tracking,events,bridge,web");
    overrides.put(Setting.DELIVERIES_MAX_ACTIVE, String.valueOf(Math.max(10_000, opts.devices * 2)));
    if (opts.ingestInstances > 0) {
      overrides.put(Setting.INGEST_INSTANCES, String.valueOf(opts.ingestInstances));
    }
    int ingestPort = TestStack.freePort();
    overrides.put(Setting.INGEST_PORT, String.valueOf(ingestPort));
    System.out.printf(Locale.ROOT, "Starting the stack (embedded Kafka and store, roles %s)…%n", overrides.get(Setting.ROLES));
    long t0 = System.nanoTime();
    ResourceSampler resources = new ResourceSampler();
    try (TestStack stack = TestStack.start(overrides)) {
      PipelineBenchmark.awaitReady(stack.managementUrl() + "/health/ready");
      long readyMs = (System.nanoTime() - t0) / 1_000_000;
      MeterRegistry registry = stack.app().metrics().registry();
      Subscriber.Stats stats = new Subscriber.Stats();
      System.out.printf(Locale.ROOT, "Stack ready in %d ms; registering %d devices and their deliveries, %d subscribers…%n",
          readyMs, opts.devices, opts.subscribers);
      try (DeviceLoadProcess load = DeviceLoadProcess.start(opts, stack.httpPort(), ingestPort, stack.adminToken(), stats)) {
        System.out.printf(Locale.ROOT, "Posting %d fixes/s over %d connections; warm-up %d s, window %d s%n",
            opts.fixRate, opts.connections, opts.warmupS, opts.durationS);
        long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(opts.warmupS);
        Reading previous = read(registry, load, stats);
        while (System.nanoTime() < warmupEnd) {
          Metering.sleepUntil(Math.min(warmupEnd, System.nanoTime() + TimeUnit.SECONDS.toNanos(opts.progressS)));
          Reading now = read(registry, load, stats);
          progress("warm-up", now, previous, stats.takeInterval(), resources);
          previous = now;
        }

        load.windowStarts();
        stats.takeInterval();
        resources.reset();
        ThreadCpu threadCpu = new ThreadCpu();
        Reading start = read(registry, load, stats);
        long windowEnd = start.nanos() + TimeUnit.SECONDS.toNanos(opts.durationS);
        Histogram latency = Metering.window(windowEnd, opts.progressS, stats, start, () -> read(registry, load, stats),
            (before, now, interval) -> progress("window", now, before, interval, resources));
        Reading end = read(registry, load, stats);
        ResourceSampler.Snapshot used = resources.snapshot();
        JsonObject cores = threadCpu.coresByGroup();
        JsonObject ending = load.end();
        latency.add(stats.takeInterval()); // the window's last fixes, received after it
        return Report.deviceResult(opts, readyMs, start, end, latency, stats, ending, load.phones(), load.phoneLatencies(), used, cores);
      }
    } finally {
      resources.close();
    }
  }

  private static Reading read(MeterRegistry registry, DeviceLoadProcess load, Subscriber.Stats stats) {
    return new Reading(System.nanoTime(), load.phones(), sum(registry, FIXES_ACCEPTED), sum(registry, FIXES_TRACKED),
        sum(registry, PipelineMetrics.BRIDGED), sum(registry, PipelineMetrics.PERSISTED), stats.delivered.sum());
  }

  /** The sum of every counter of this name (one per tag set) in the registry. */
  static double sum(MeterRegistry registry, String name) {
    return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  private static void progress(String phase, Reading now, Reading before, Histogram interval, ResourceSampler resources) {
    double s = Math.max(1e-9, (now.nanos() - before.nanos()) / 1e9);
    String latency = interval.getTotalCount() == 0 ? "p99 –" : String.format(Locale.ROOT, "p50 %.1f p99 %.1f max %.1f ms",
        interval.getValueAtPercentile(50) / 1000.0, interval.getValueAtPercentile(99) / 1000.0, interval.getMaxValue() / 1000.0);
    System.out.printf(Locale.ROOT,
        "%s [%-7s] sent %.0f/s 200 %.0f/s refused %s | accepted %.0f/s tracked %.0f/s bridged %.0f/s persisted %.0f/s"
            + " delivered %.0f/s | %s | in flight %d skipped %d | cpu %.0f%% heap %d MB%n",
        LocalTime.now().truncatedTo(ChronoUnit.SECONDS), phase, (now.sent() - before.sent()) / s,
        (now.answered200() - before.answered200()) / s, now.phones().getJsonObject("refused", new JsonObject()).encode(),
        (now.accepted() - before.accepted()) / s, (now.tracked() - before.tracked()) / s,
        (now.bridged() - before.bridged()) / s, (now.persisted() - before.persisted()) / s,
        (now.delivered() - before.delivered()) / s, latency, now.phones().getInteger("inFlight", 0),
        now.phones().getLong("skipped", 0L),
        resources.lastCpuLoad() * 100, resources.heapUsedNow() >> 20);
  }

  /** Runs the devices mode once: the table on stdout and {@code result-<timestamp>.json}. */
  static int single(BenchOptions opts) throws Exception {
    return Report.printAndWrite(opts, new DeviceBenchmark(opts).run(), "devices", Report::printDeviceTable);
  }
}
