package io.codedelivery.bench;

import io.codedelivery.browser.ConsoleProbe;
import io.codedelivery.config.Setting;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.Route;
import io.codedelivery.support.TestStack;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The console mode ({@code --console N}): the operator console in a real browser with N deliveries on the road. The
 * stack (simulation, bridge, web and, unless {@code --no-persistence}, persistence) runs in this JVM on embedded Kafka
 * and store; a {@link Fleet} keeps N simulated deliveries driving (a new one whenever one arrives), each sending a
 * position every {@code --interval} ms; headless Chromium, signed in as the stack's admin, shows the console ("/").
 * Once the console shows all N on the road and after the warm-up, it measures a window, in the page
 * ({@link ConsoleProbe}): the time between animation frames (p50/p95/p99), how busy the page's main thread was, and the
 * fleet-feed states the page received and how old they were on arrival.
 *
 * <p>"Busy" is given three ways: the renderer's own task time (DevTools' TaskDuration: every task of the main thread,
 * short ones included, in wall time; the goal's figure), the Long Tasks' share (only tasks over 50 ms, so less), and the
 * CPU time of the renderer's main thread from {@code /proc} (what the console cost the processor, whatever else the
 * machine ran meanwhile).
 */
final class ConsoleBenchmark {
  /** The goal (issue 18): the console's main thread busy at most half the time, 95 % of frames within 50 ms. */
  static final double BUSY_GOAL = 0.5;
  static final double FRAME_P95_GOAL_MS = 50;
  /** How long the console may take to show the whole fleet once the last delivery has started. */
  private static final Duration SHOWN_WITHIN = Duration.ofSeconds(120);
  private static final int SCRIPTS_LISTED = 12;
  /** The profiler's sampling interval: DevTools' own default. */
  private static final int PROFILE_SAMPLE_MICROS = 1000;
  private static final int PROFILE_FUNCTIONS_LISTED = 20;

  private final BenchOptions opts;

  private ConsoleBenchmark(BenchOptions opts) {
    this.opts = opts;
  }

  /** Runs the console mode once: the table on stdout and {@code result-<timestamp>.json}. */
  static int single(BenchOptions opts) throws Exception {
    return Report.printAndWrite(opts, new ConsoleBenchmark(opts).run(), "console", Report::printConsoleTable);
  }

  private JsonObject run() throws Exception {
    Map<Setting, String> overrides = new EnumMap<>(Setting.class);
    overrides.put(Setting.SIMULATION_INTERVAL_MS, String.valueOf(opts.intervalMs));
    overrides.put(Setting.DELIVERIES_MAX_ACTIVE, String.valueOf(Math.max(10_000, opts.console * 2)));
    overrides.put(Setting.ROLES, opts.persistence ? "simulation,tracking,bridge,persistence,web" : "simulation,tracking,bridge,web");
    // No tiles: this machine need not reach a tile server, and their images would be measured with the console.
    overrides.put(Setting.MAP_TILES_URL, "");
    String cpu = Machine.current().describe();
    String loadAtStart = Machine.loadAverages();
    System.out.printf(Locale.ROOT, "CPU %s, load average %s; starting the stack (embedded Kafka and store, roles %s, interval %d ms)…%n",
        cpu, loadAtStart, overrides.get(Setting.ROLES), opts.intervalMs);
    ResourceSampler server = new ResourceSampler();
    try (TestStack stack = TestStack.start(overrides)) {
      PipelineBenchmark.awaitReady(stack.managementUrl() + "/health/ready");
      List<Route> routes = new ArrayList<>(stack.app().routes().all());
      routes.sort(Comparator.comparing(Route::id));
      // Started over the longest route's drive, the deliveries arrive (and are replaced) spread out, as a fleet's do,
      // rather than in waves.
      long spreadMs = (long) routes.stream().mapToInt(route -> route.points().size()).max().orElse(1) * opts.intervalMs;
      try (Fleet fleet = new Fleet(stack.app().vertx(), routes); ConsoleProbe console = ConsoleProbe.open(stack)) {
        String chromium = console.chromiumVersion();
        String pinning = opts.browserCpus.isEmpty() ? null : CpuPinning.pin(opts.browserCpus);
        if (pinning != null) {
          System.out.println("Pinned: " + pinning);
        }
        System.out.printf(Locale.ROOT, "Chromium %s shows the console; starting %d deliveries over %d s…%n",
            chromium, opts.console, spreadMs / 1000);
        Thread starter = new Thread(() -> {
          try {
            fleet.startInitial(opts.console, spreadMs);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, "bench-fleet-start");
        starter.setDaemon(true);
        starter.start();
        try {
          awaitWholeFleet(console, fleet, spreadMs);
          JsonObject window = measure(console, fleet, stack.app().metrics().registry(), server);
          List<String> problems = console.problems();
          console.screenshot("console-bench-" + opts.console);
          return result(window, cpu, chromium, pinning, loadAtStart, problems);
        } finally {
          fleet.stopReplacing();
          starter.interrupt();
        }
      }
    } finally {
      server.close();
    }
  }

  /** Progress lines until the console shows all N deliveries on the road. */
  private void awaitWholeFleet(ConsoleProbe console, Fleet fleet, long spreadMs) {
    long[] nextLine = {System.nanoTime()};
    boolean shown = console.awaitOnTheRoad(opts.console, Duration.ofMillis(spreadMs).plus(SHOWN_WITHIN), onRoad -> {
      if (System.nanoTime() >= nextLine[0]) {
        System.out.printf(Locale.ROOT, "%s [start  ] started %d of %d, the console shows %d on the road | load %s%n",
            LocalTime.now().truncatedTo(ChronoUnit.SECONDS), fleet.started.get(), opts.console, Math.max(0, onRoad),
            Machine.loadAverages());
        nextLine[0] = System.nanoTime() + TimeUnit.SECONDS.toNanos(opts.progressS);
      }
    });
    if (!shown) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "the console showed %d of %d deliveries on the road after %d s (%d started, %d refused: %s); problems on the page: %s",
          console.onTheRoad(), opts.console, Duration.ofMillis(spreadMs).plus(SHOWN_WITHIN).toSeconds(), fleet.started.get(),
          fleet.startFailures.get(), fleet.lastStartFailure(), console.problems()));
    }
  }

  /** The warm-up (progress lines only), then the window: what the page and the machine did in it. */
  private JsonObject measure(ConsoleProbe console, Fleet fleet, MeterRegistry registry, ResourceSampler server)
      throws InterruptedException {
    Interval.Mark mark = Interval.mark(console, fleet, registry);
    console.take();
    long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(opts.warmupS);
    while (System.nanoTime() < warmupEnd) {
      Metering.sleepUntil(Math.min(warmupEnd, System.nanoTime() + TimeUnit.SECONDS.toNanos(opts.progressS)));
      Interval.Mark now = Interval.mark(console, fleet, registry);
      new Interval(mark, now, console.take()).print("warm-up", server);
      mark = now;
    }

    server.reset();
    if (opts.profile) {
      console.startProfiling(PROFILE_SAMPLE_MICROS);
    }
    console.take();
    Interval.Mark start = Interval.mark(console, fleet, registry);
    String loadAtWindowStart = Machine.loadAverages();
    PageTotals totals = new PageTotals();
    long windowEnd = start.nanos() + TimeUnit.SECONDS.toNanos(opts.durationS);
    int onRoadMin = Integer.MAX_VALUE;
    int onRoadMax = 0;
    mark = start;
    while (System.nanoTime() < windowEnd) {
      Metering.sleepUntil(Math.min(windowEnd, System.nanoTime() + TimeUnit.SECONDS.toNanos(opts.progressS)));
      Interval.Mark now = Interval.mark(console, fleet, registry);
      JsonObject taken = console.take();
      totals.add(taken);
      int onRoad = new Interval(mark, now, taken).print("window", server);
      onRoadMin = Math.min(onRoadMin, onRoad);
      onRoadMax = Math.max(onRoadMax, onRoad);
      mark = now;
    }
    ResourceSampler.Snapshot used = server.snapshot();
    JsonObject profile = opts.profile ? profile(console.stopProfiling()) : null;
    return totals.summary(start, mark)
        .put("profile", profile)
        .put("onTheRoad", new JsonObject().put("min", onRoadMin).put("max", onRoadMax))
        .put("vehiclesOnMap", new JsonObject(new HashMap<>(console.vehiclesOnMap())))
        .put("pageSize", console.size())
        .put("server", new JsonObject().put("cores", round(used.coresUsed(), 2)).put("heapUsedMaxMB", used.heapUsedMax() >> 20))
        .put("loadAverage", new JsonObject().put("windowStart", loadAtWindowStart).put("windowEnd", Machine.loadAverages()));
  }

  /** Saves the page's profile for DevTools (Performance panel, "Load profile") and sums it up by function. */
  private JsonObject profile(JsonObject profile) {
    try {
      Files.createDirectories(opts.out);
      Path file = opts.out.resolve(String.format(Locale.ROOT, "console-%d-%s.cpuprofile", opts.console,
          LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
      Files.writeString(file, profile.encode());
      return new PageProfile(profile).top(PROFILE_FUNCTIONS_LISTED).put("file", file.toAbsolutePath().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonObject result(JsonObject window, String cpu, String chromium, String pinning, String loadAtStart,
      List<String> problems) {
    JsonObject frames = window.getJsonObject("frames");
    JsonObject busy = window.getJsonObject("busy");
    List<String> reasons = new ArrayList<>();
    if (busy.getDouble("tasks") > BUSY_GOAL) {
      reasons.add(String.format(Locale.ROOT, "main thread busy %.0f %% > %.0f %%", busy.getDouble("tasks") * 100, BUSY_GOAL * 100));
    }
    if (frames.getDouble("p95") > FRAME_P95_GOAL_MS) {
      reasons.add(String.format(Locale.ROOT, "p95 frame %.1f ms > %.0f ms", frames.getDouble("p95"), FRAME_P95_GOAL_MS));
    }
    return new JsonObject()
        .put("config", new JsonObject().put("deliveries", opts.console).put("intervalMs", opts.intervalMs)
            .put("warmupS", opts.warmupS).put("durationS", opts.durationS).put("persistence", opts.persistence)
            .put("cpu", cpu).put("chromium", chromium).put("pinning", pinning).put("loadAverageAtStart", loadAtStart).put("profiled", opts.profile))
        .put("window", window)
        .put("problems", new JsonArray(problems))
        .put("goal", new JsonObject().put("busyAtMost", BUSY_GOAL).put("frameP95MsAtMost", FRAME_P95_GOAL_MS))
        .put("verdict", new JsonObject().put("pass", reasons.isEmpty()).put("reasons", String.join("; ", reasons)));
  }

  /** One progress interval: the page's counts over it and what the machine did meanwhile. */
  private record Interval(Mark from, Mark to, JsonObject page) {
    /** Cumulative readings at one instant: the renderer's accounts, Chromium's CPU, the fleet's starts, production. */
    record Mark(long nanos, Map<String, Double> metrics, ChromiumCpu.Reading cpu, long started, double produced, int onTheRoad) {
      double seconds(Mark later) {
        return Math.max(1e-9, (later.nanos - nanos) / 1e9);
      }

      double share(Mark later, String metric) {
        return (later.metrics.getOrDefault(metric, 0.0) - metrics.getOrDefault(metric, 0.0)) / seconds(later);
      }
    }

    static Mark mark(ConsoleProbe console, Fleet fleet, MeterRegistry registry) {
      return new Mark(System.nanoTime(), console.metrics(), ChromiumCpu.read(), fleet.started.get(),
          DeviceBenchmark.sum(registry, PipelineMetrics.PRODUCED), console.onTheRoad());
    }

    /** Prints the interval's line; returns how many deliveries the console showed on the road at its end. */
    int print(String phase, ResourceSampler server) {
      double s = from.seconds(to);
      List<Double> frames = sorted(page.getJsonArray("frames"));
      List<Double> ages = sorted(page.getJsonArray("ages"));
      double[] cores = to.cpu.coresSince(from.cpu);
      System.out.printf(Locale.ROOT,
          "%s [%-7s] page: %.0f states/s (produced %.0f/s), age p50 %.0f p99 %.0f ms | frames %.0f/s p95 %.1f max %.0f ms"
              + " | main thread: tasks %.0f %% script %.0f %% long tasks %.0f %%, CPU %.0f %% | chromium %.2f cores, server %.2f"
              + " | on the road %d, started %.1f/s | load %s%n",
          LocalTime.now().truncatedTo(ChronoUnit.SECONDS), phase, page.getLong("states") / s, (to.produced - from.produced) / s,
          percentile(ages, 50), percentile(ages, 99), frames.size() / s, percentile(frames, 95), percentile(frames, 100),
          from.share(to, "TaskDuration") * 100, from.share(to, "ScriptDuration") * 100,
          page.getDouble("longTaskMs") / 10 / s, cores[0] * 100, cores[1],
          server.lastCpuLoad() * Runtime.getRuntime().availableProcessors(), to.onTheRoad, (to.started - from.started) / s,
          Machine.loadAverages());
      return to.onTheRoad;
    }
  }

  /** The page's counts added up over the window. */
  private static final class PageTotals {
    private final List<Double> frames = new ArrayList<>();
    private final List<Double> ages = new ArrayList<>();
    private final Map<String, Double> scripts = new HashMap<>();
    private double longTaskMs;
    private long longTasks;
    private long loafs;
    private double loafBlockingMs;
    private long batches;
    private long states;

    void add(JsonObject taken) {
      taken.getJsonArray("frames").forEach(ms -> frames.add(((Number) ms).doubleValue()));
      taken.getJsonArray("ages").forEach(ms -> ages.add(((Number) ms).doubleValue()));
      for (Object entry : taken.getJsonArray("scripts")) {
        JsonObject script = (JsonObject) entry;
        scripts.merge(script.getString("script"), script.getDouble("ms"), Double::sum);
      }
      longTaskMs += taken.getDouble("longTaskMs");
      longTasks += taken.getLong("longTasks");
      loafs += taken.getLong("loafs");
      loafBlockingMs += taken.getDouble("loafBlockingMs");
      batches += taken.getLong("batches");
      states += taken.getLong("states");
    }

    JsonObject summary(Interval.Mark start, Interval.Mark end) {
      double s = start.seconds(end);
      List<Double> sortedFrames = frames.stream().sorted().toList();
      List<Double> sortedAges = ages.stream().sorted().toList();
      double[] cores = end.cpu().coresSince(start.cpu());
      JsonArray topScripts = new JsonArray();
      scripts.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(SCRIPTS_LISTED)
          .forEach(e -> topScripts.add(new JsonObject().put("script", e.getKey()).put("msPerSecond", round(e.getValue() / s, 1))));
      return new JsonObject()
          .put("seconds", round(s, 1))
          .put("frames", new JsonObject().put("count", sortedFrames.size()).put("perSecond", round(sortedFrames.size() / s, 1))
              .put("p50", round(percentile(sortedFrames, 50), 1)).put("p95", round(percentile(sortedFrames, 95), 1))
              .put("p99", round(percentile(sortedFrames, 99), 1)).put("max", round(percentile(sortedFrames, 100), 1))
              .put("over50ms", sortedFrames.stream().filter(ms -> ms > 50).count()))
          .put("busy", new JsonObject()
              .put("tasks", round(start.share(end, "TaskDuration"), 3))
              .put("script", round(start.share(end, "ScriptDuration"), 3))
              .put("layout", round(start.share(end, "LayoutDuration"), 3))
              .put("style", round(start.share(end, "RecalcStyleDuration"), 3))
              .put("longTasks", round(longTaskMs / 1000 / s, 3))
              .put("longTaskCount", longTasks)
              .put("longAnimationFrames", loafs)
              .put("loafBlocking", round(loafBlockingMs / 1000 / s, 3))
              .put("rendererMainCpu", round(cores[0], 3))
              .put("chromiumCores", round(cores[1], 2)))
          .put("layoutsPerSecond", round((end.metrics().getOrDefault("LayoutCount", 0.0) - start.metrics().getOrDefault("LayoutCount", 0.0)) / s, 1))
          .put("domNodes", end.metrics().getOrDefault("Nodes", 0.0).longValue())
          .put("jsHeapUsedMB", round(end.metrics().getOrDefault("JSHeapUsedSize", 0.0) / (1 << 20), 1))
          .put("feed", new JsonObject().put("statesPerSecond", round(states / s, 1)).put("batchesPerSecond", round(batches / s, 2))
              .put("producedPerSecond", round((end.produced() - start.produced()) / s, 1))
              .put("ageMs", new JsonObject().put("p50", percentile(sortedAges, 50)).put("p99", percentile(sortedAges, 99))
                  .put("max", percentile(sortedAges, 100))))
          .put("startedPerSecond", round((end.started() - start.started()) / s, 2))
          .put("scripts", topScripts);
    }
  }

  private static List<Double> sorted(JsonArray values) {
    return values.stream().map(v -> ((Number) v).doubleValue()).sorted().toList();
  }

  /** The nearest-rank percentile of sorted values (100: the largest); 0 for none. */
  static double percentile(List<Double> sortedValues, double p) {
    if (sortedValues.isEmpty()) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100 * sortedValues.size());
    return sortedValues.get(Math.max(0, Math.min(sortedValues.size() - 1, rank - 1)));
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
