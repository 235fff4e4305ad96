package io.codedelivery.bench;

import ch.qos.logback.classic.Level;
import com.sun.management.UnixOperatingSystemMXBean;
import io.codedelivery.PipelineMetrics;
import io.codedelivery.Role;
import io.codedelivery.Setting;
import io.codedelivery.model.Route;
import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TestStack;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.awaitility.Awaitility;
import org.slf4j.LoggerFactory;

/**
 * Pipeline benchmark: the whole application (embedded Kafka and MongoDB-wire store, every role) in this JVM,
 * N vehicles kept on the road, M real SockJS WebSocket subscribers, and over a measured window: throughput of
 * each stage, end-to-end latency (position timestamp → receipt by a subscriber), loss and duplication seen by the
 * subscribers and in the store, CPU, heap and RSS, and the time the stack takes to become ready.
 *
 * <p>Run: {@code mvn -B -q -Pbench package -DskipTests exec:exec -Dbench.args="--vehicles 50 --interval 500
 * --subscribers 50 --duration 10"}; {@code --help} lists every flag. Results: a table on stdout and
 * {@code target/bench/result-<timestamp>.json}.
 */
public final class PipelineBenchmark {
  private static final Path JAR = Path.of("target/code-delivery.jar");

  /** Broker segments, store files, jars and the HTTP and Kafka connections: measured under 600 in full runs. */
  private static final long FILE_DESCRIPTOR_HEADROOM = 1_000;

  private final BenchOptions opts;

  private PipelineBenchmark(BenchOptions opts) {
    this.opts = opts;
  }

  public static void main(String[] args) throws Exception {
    BenchOptions opts;
    try {
      opts = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (!opts.verbose) {
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.codedelivery")).setLevel(Level.WARN);
    }
    int status;
    try {
      status = opts.ramp ? ramp(opts) : single(opts);
    } catch (IllegalStateException e) {
      if (e.getCause() != null) {
        e.printStackTrace();
      } else {
        System.err.println("Benchmark failed: " + e.getMessage());
      }
      status = 1;
    } catch (Exception e) {
      e.printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  private static int single(BenchOptions opts) throws Exception {
    JsonObject jar = JarStartup.measure(JAR, opts.out);
    JsonObject result = new PipelineBenchmark(opts).run().put("jarStartup", jar);
    printTable(result);
    Path file = write(opts, result.copy().put("mode", "single"));
    System.out.println("JSON: " + file.toAbsolutePath());
    return 0;
  }

  /**
   * Doubles N from --vehicles until a step fails, then bisects between the best passing and the first failing N.
   * Each step runs on a fresh stack, so no backlog of a failed step spills into the next.
   */
  private static int ramp(BenchOptions opts) throws Exception {
    JsonObject jar = JarStartup.measure(JAR, opts.out);
    JsonArray steps = new JsonArray();
    int best = 0;
    int failed = Integer.MAX_VALUE;
    int n = Math.min(opts.vehicles, opts.rampMax);
    for (int step = 1; step <= opts.rampSteps && n >= 1; step++) {
      System.out.printf(Locale.ROOT, "%n=== ramp step %d/%d: N=%d vehicles ===%n", step, opts.rampSteps, n);
      JsonObject result = new PipelineBenchmark(opts.withVehicles(n)).run();
      boolean ok = result.getJsonObject("verdict").getBoolean("pass");
      printTable(result);
      steps.add(result);
      if (ok) {
        best = Math.max(best, n);
      } else {
        failed = Math.min(failed, n);
      }
      int next;
      if (failed == Integer.MAX_VALUE) {
        if (n >= opts.rampMax) {
          break;
        }
        next = (int) Math.min((long) n * 2, opts.rampMax);
      } else if (best == 0) {
        next = n / 2;
      } else {
        if (failed - best <= Math.max(1, best / 10)) {
          break;
        }
        next = (best + failed) / 2;
      }
      if (next == n) {
        break;
      }
      n = next;
    }
    JsonObject summary = new JsonObject()
        .put("mode", "ramp")
        .put("goal", new JsonObject().put("p99MsAtMost", opts.p99LimitMs).put("lost", 0)
            .put("producedRatioAtLeast", BenchOptions.MIN_PRODUCED_RATIO).put("durationS", opts.durationS))
        .put("jarStartup", jar)
        .put("bestVehicles", best)
        .put("firstFailingVehicles", failed == Integer.MAX_VALUE ? null : failed)
        .put("steps", steps);
    System.out.println();
    System.out.println("=== ramp summary ===");
    for (int i = 0; i < steps.size(); i++) {
      JsonObject s = steps.getJsonObject(i);
      JsonObject v = s.getJsonObject("verdict");
      System.out.printf(Locale.ROOT, "N=%-6d produced %9.1f/s  delivered %9.1f/s  p99 %8.1f ms  lost %d  %s%n",
          s.getJsonObject("config").getInteger("vehicles"),
          s.getJsonObject("ratesPerSecond").getDouble("produced"),
          s.getJsonObject("ratesPerSecond").getDouble("delivered"),
          s.getJsonObject("latencyMs").getDouble("p99"),
          s.getJsonObject("integrity").getLong("lost"),
          v.getBoolean("pass") ? "PASS" : "FAIL (" + v.getString("reasons") + ")");
    }
    System.out.printf(Locale.ROOT, "Highest N sustained for %d s with p99 <= %.0f ms and nothing lost: %s%n",
        opts.durationS, opts.p99LimitMs, best == 0 ? "none (the first step failed)" : String.valueOf(best));
    Path file = write(opts, summary);
    System.out.println("JSON: " + file.toAbsolutePath());
    return 0;
  }

  /** One run: start the stack, load it, measure the window, check integrity, stop everything. */
  private JsonObject run() throws Exception {
    checkFileDescriptors();
    Map<Setting, String> overrides = new EnumMap<>(Setting.class);
    overrides.put(Setting.SIMULATION_INTERVAL_MS, String.valueOf(opts.intervalMs));
    overrides.put(Setting.DELIVERIES_MAX_ACTIVE, String.valueOf(Math.min(1_000_000, Math.max(10_000, opts.vehicles * 2))));
    if (!opts.persistence) {
      overrides.put(Setting.ROLES, "simulation,bridge,web");
    }
    if (opts.external) {
      String kafka = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
      String mongo = System.getenv("MONGO_URI");
      if (kafka == null || kafka.isBlank() || mongo == null || mongo.isBlank()) {
        throw new IllegalStateException("--external needs KAFKA_BOOTSTRAP_SERVERS and MONGO_URI in the environment");
      }
      overrides.put(Setting.KAFKA_BOOTSTRAP_SERVERS, kafka);
      overrides.put(Setting.MONGO_URI, mongo);
    }

    ResourceSampler resources = new ResourceSampler();
    System.out.printf(Locale.ROOT, "Starting the stack (%s Kafka and store, roles %s, interval %d ms)…%n",
        opts.external ? "external" : "embedded", opts.persistence ? "all" : "simulation,bridge,web", opts.intervalMs);
    long t0 = System.nanoTime();
    TestStack stack = TestStack.start(overrides);
    long stackStartedMs = (System.nanoTime() - t0) / 1_000_000;
    long readyMs;
    Fleet fleet = null;
    SubscriberLoad subscribers = null;
    try {
      awaitReady(stack.managementUrl() + "/health/ready");
      readyMs = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf(Locale.ROOT, "Stack ready in %d ms (TestStack.start %d ms); HTTP %d%n", readyMs, stackStartedMs, stack.httpPort());

      MeterRegistry registry = stack.app().metrics().registry();
      List<Route> routes = new ArrayList<>(stack.app().routes().all());
      routes.sort(Comparator.comparing(Route::id));
      fleet = new Fleet(stack.app().vertx(), routes);
      Subscriber.Stats stats = new Subscriber.Stats();

      subscribers = opts.separateSubscribers
          ? SubscriberProcess.start(opts.subscribers, stack.httpPort(), stats, opts.out)
          : new SubscriberPool(opts.subscribers, stack.httpPort(), fleet.watchlist(), stats);
      System.out.printf(Locale.ROOT, "%d SockJS subscribers connected%s; starting %d vehicles over %d ms…%n",
          opts.subscribers, opts.separateSubscribers ? " (in a process of their own)" : "", opts.vehicles,
          opts.warmupS * 500L);

      long loadStart = System.nanoTime();
      fleet.startInitial(opts.vehicles, opts.warmupS * 500L);
      subscribers.assignNow();

      Meters meters = new Meters(registry);
      Meters.Reading previous = meters.read(stats);
      long warmupEnd = loadStart + TimeUnit.SECONDS.toNanos(opts.warmupS);
      long nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(opts.progressS);
      while (System.nanoTime() < warmupEnd) {
        sleepUntil(Math.min(warmupEnd, nextProgress));
        if (System.nanoTime() >= nextProgress) {
          Meters.Reading now = meters.read(stats);
          progress("warm-up", now, previous, stats, fleet, resources, meters, null);
          previous = now;
          nextProgress += TimeUnit.SECONDS.toNanos(opts.progressS);
        }
      }

      // The window.
      stats.takeInterval(); // forget the warm-up
      Histogram window = new Histogram(3);
      resources.reset();
      Meters.Reading start = meters.read(stats);
      previous = start;
      double activeSum = 0;
      int activeSamples = 0;
      long windowStart = System.nanoTime();
      long windowEnd = windowStart + TimeUnit.SECONDS.toNanos(opts.durationS);
      nextProgress = windowStart + TimeUnit.SECONDS.toNanos(Math.min(opts.progressS, opts.durationS));
      while (System.nanoTime() < windowEnd) {
        sleepUntil(Math.min(windowEnd, nextProgress));
        activeSum += meters.activeVehicles();
        activeSamples++;
        if (System.nanoTime() >= nextProgress || System.nanoTime() >= windowEnd) {
          Histogram interval = stats.takeInterval();
          window.add(interval);
          Meters.Reading now = meters.read(stats);
          long elapsed = (System.nanoTime() - windowStart) / 1_000_000_000L;
          progress("window " + elapsed + "/" + opts.durationS + "s", now, previous, stats, fleet, resources, meters, interval);
          previous = now;
          nextProgress += TimeUnit.SECONDS.toNanos(opts.progressS);
        }
      }
      Meters.Reading end = meters.read(stats);
      double windowS = (System.nanoTime() - windowStart) / 1e9;
      ResourceSampler.Snapshot res = resources.snapshot();

      // After the window: no new deliveries. The subscribers keep pinging (the bridge drops a silent client).
      fleet.stopReplacing();
      JsonObject store;
      if (opts.persistence) {
        // Production stops too, so the store has a fixed target to catch up with.
        stack.app().undeploy(Role.SIMULATION);
        store = checkStore(stack, fleet, meters);
      } else {
        store = new JsonObject().put("skipped", "no persistence role");
      }

      // Tails: a delivery that finished more than the grace period ago must have reached its subscribers' ends.
      long graceLeft = Subscriber.FINISH_GRACE_MS + 500 - (System.nanoTime() - windowEnd) / 1_000_000;
      if (graceLeft > 0) {
        Thread.sleep(graceLeft);
      }
      long tailLost = subscribers.tailLost();
      return result(stackStartedMs, readyMs, start, end, windowS, window, res, stats, tailLost, store, fleet,
          activeSamples == 0 ? 0 : activeSum / activeSamples);
    } finally {
      if (subscribers != null) {
        subscribers.close();
      }
      if (fleet != null) {
        fleet.close();
      }
      stack.close();
      resources.close();
    }
  }

  /**
   * Each subscriber holds two sockets in this process (its own and the server's end; one with
   * --separate-subscribers), and the broker and store need their files too: refuse a run the process limit
   * cannot carry, before it fails half-way.
   */
  private void checkFileDescriptors() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
      long needed = (opts.separateSubscribers ? 1L : 2L) * opts.subscribers + FILE_DESCRIPTOR_HEADROOM;
      if (needed > os.getMaxFileDescriptorCount()) {
        throw new IllegalStateException(String.format(Locale.ROOT,
            "%d subscribers need about %d file descriptors in this process; the limit (ulimit -n) is %d."
                + " Raise it, use at most %d subscribers, or --separate-subscribers (one socket each in this process).",
            opts.subscribers, needed, os.getMaxFileDescriptorCount(),
            (os.getMaxFileDescriptorCount() - FILE_DESCRIPTOR_HEADROOM) / (opts.separateSubscribers ? 1 : 2)));
      }
    }
  }

  /** The counters of the registry, read together. */
  static final class Meters {
    private final MeterRegistry registry;

    Meters(MeterRegistry registry) {
      this.registry = registry;
    }

    record Reading(long nanos, double produced, double bridged, double persisted, long delivered,
                   long latencyCount, double latencyTotalMs, long latencyOver100Ms) {
    }

    private double counter(String name) {
      Counter c = registry.find(name).counter();
      return c == null ? 0 : c.count();
    }

    Reading read(Subscriber.Stats stats) {
      Timer t = registry.find(PipelineMetrics.LATENCY).timer();
      return new Reading(System.nanoTime(), counter(PipelineMetrics.PRODUCED), counter(PipelineMetrics.BRIDGED),
          counter(PipelineMetrics.PERSISTED),
          stats.delivered.sum(), t == null ? 0 : t.count(), t == null ? 0 : t.totalTime(TimeUnit.MILLISECONDS),
          t == null ? 0 : countOver(t, 100));
    }

    /** Recorded above limitMs, from the timer's buckets (the limit must be one of them). */
    private static long countOver(Timer timer, long limitMs) {
      HistogramSnapshot snapshot = timer.takeSnapshot();
      for (CountAtBucket bucket : snapshot.histogramCounts()) {
        if (bucket.bucket(TimeUnit.MILLISECONDS) == limitMs) {
          return snapshot.count() - (long) bucket.count();
        }
      }
      throw new IllegalStateException(timer.getId().getName() + " has no " + limitMs + " ms bucket");
    }

    double produced() {
      return counter(PipelineMetrics.PRODUCED);
    }

    double persisted() {
      return counter(PipelineMetrics.PERSISTED);
    }

    double activeVehicles() {
      Gauge g = registry.find(PipelineMetrics.ACTIVE_DELIVERIES).gauge();
      return g == null ? 0 : g.value();
    }
  }

  private void progress(String phase, Meters.Reading now, Meters.Reading before, Subscriber.Stats stats, Fleet fleet,
                        ResourceSampler resources, Meters meters, Histogram interval) {
    double s = Math.max(1e-9, (now.nanos() - before.nanos()) / 1e9);
    String latency = interval == null || interval.getTotalCount() == 0 ? "p99 –"
        : String.format(Locale.ROOT, "p99 %.1f ms max %.1f ms", interval.getValueAtPercentile(99) / 1000.0, interval.getMaxValue() / 1000.0);
    long bridgedCount = now.latencyCount() - before.latencyCount();
    if (bridgedCount > 0) {
      // Where a jump happens: before the bridge (Kafka) or after it (fan-out to the browsers).
      latency += String.format(Locale.ROOT, " (to the bridge %.1f ms mean, %.2f%% > 100 ms)",
          (now.latencyTotalMs() - before.latencyTotalMs()) / bridgedCount,
          100.0 * (now.latencyOver100Ms() - before.latencyOver100Ms()) / bridgedCount);
    }
    System.out.printf(Locale.ROOT,
        "%s [%-14s] vehicles %d (sim %d) | produced %.1f/s bridged %.1f/s persisted %.1f/s delivered %.1f/s | %s"
            + " | lost %d dup %d dropped %d | cpu %.0f%% heap %d MB rss %d MB%n",
        LocalTime.now().truncatedTo(ChronoUnit.SECONDS), phase, fleet.watchlist().activeCount(), (long) meters.activeVehicles(),
        (now.produced() - before.produced()) / s, (now.bridged() - before.bridged()) / s,
        (now.persisted() - before.persisted()) / s, (now.delivered() - before.delivered()) / s, latency,
        stats.lostInGaps.sum(), stats.duplicates.sum(), stats.closedByServer.sum(),
        resources.lastCpuLoad() * 100, resources.heapUsedNow() >> 20, ResourceSampler.statusKb("VmRSS") >> 10);
  }

  /**
   * With the simulation stopped, waits until the store holds every position produced (by the counters), then compares
   * the stored seqs of a sample of deliveries: a finished one must hold exactly 0..points-1; a running one must
   * hold exactly 0..k for a k at least the highest seq bridged when the check began.
   */
  private JsonObject checkStore(TestStack stack, Fleet fleet, Meters meters) throws Exception {
    long begin = System.nanoTime();
    long deadline = begin + TimeUnit.SECONDS.toNanos(opts.storeWaitS);
    double producedAtEnd = meters.produced();
    long caughtUpMs = -1;
    while (System.nanoTime() < deadline) {
      if (meters.persisted() >= producedAtEnd) {
        caughtUpMs = (System.nanoTime() - begin) / 1_000_000;
        break;
      }
      Thread.sleep(100);
    }
    System.out.printf(Locale.ROOT, "Store: persisted %.0f of %.0f positions produced (simulation stopped after the window)%s%n",
        meters.persisted(), producedAtEnd, caughtUpMs >= 0 ? " after " + caughtUpMs + " ms" : " (not caught up!)");

    if (caughtUpMs < 0) {
      // Not lost: what the store lacks is still on the topic, uncommitted by the persistence group.
      long backlog = Math.round(producedAtEnd - meters.persisted());
      return new JsonObject().put("persistedCatchUpMs", -1).put("backlog", backlog).put("ok", false)
          .put("waitS", opts.storeWaitS);
    }
    StoreProbe probe = new StoreProbe(stack.app());
    List<Watchlist.Delivery> finished = fleet.watchlist().finishedSnapshot();
    List<Watchlist.Delivery> finishedSample = finished.subList(0, Math.min(opts.storeSample, finished.size()));
    List<long[]> runningSample = new ArrayList<>(); // {index into list, target seq}
    List<Watchlist.Delivery> running = new ArrayList<>();
    for (Watchlist.Delivery d : fleet.watchlist().activeSnapshot()) {
      if (running.size() >= opts.storeSample) {
        break;
      }
      long target = d.maxBridgedSeq;
      if (target >= 0 && !d.finished()) {
        running.add(d);
        runningSample.add(new long[] {running.size() - 1, target});
      }
    }
    JsonArray failures = new JsonArray();
    int finishedOk = 0;
    long missing = 0;
    long duplicates = 0;
    for (Watchlist.Delivery d : finishedSample) {
      long[] check = awaitStored(probe, d.id, d.points - 1, true, deadline);
      if (check[0] == 0 && check[1] == 0) {
        finishedOk++;
      } else {
        failures.add(new JsonObject().put("deliveryId", d.id).put("routeId", d.routeId).put("expected", d.points)
            .put("missing", check[0]).put("duplicates", check[1]).put("unexpected", check[2]));
      }
      missing += check[0];
      duplicates += check[1];
    }
    int runningOk = 0;
    for (long[] entry : runningSample) {
      Watchlist.Delivery d = running.get((int) entry[0]);
      long[] check = awaitStored(probe, d.id, entry[1], false, deadline);
      if (check[0] == 0 && check[1] == 0) {
        runningOk++;
      } else {
        failures.add(new JsonObject().put("deliveryId", d.id).put("routeId", d.routeId).put("expectedUpToSeq", entry[1])
            .put("missing", check[0]).put("duplicates", check[1]));
      }
      missing += check[0];
      duplicates += check[1];
    }
    probe.mongo().close();
    Map<String, Long> expectedTracks = new LinkedHashMap<>();
    finishedSample.forEach(d -> expectedTracks.put(d.id, (long) d.points));
    runningSample.forEach(entry -> expectedTracks.put(running.get((int) entry[0]).id, entry[1] + 1));
    long[] trackMs = timeTrackQueries(stack, expectedTracks);
    long checkMs = (System.nanoTime() - begin) / 1_000_000;
    System.out.printf(Locale.ROOT, "Store: %d/%d finished deliveries exact (0..points-1), %d/%d running deliveries exact prefix; %d ms%n",
        finishedOk, finishedSample.size(), runningOk, runningSample.size(), checkMs);
    return new JsonObject()
        .put("persistedCatchUpMs", caughtUpMs)
        .put("finishedChecked", finishedSample.size())
        .put("finishedExact", finishedOk)
        .put("finishedAvailable", finished.size())
        .put("runningChecked", runningSample.size())
        .put("runningExactPrefix", runningOk)
        .put("missing", missing)
        .put("duplicates", duplicates)
        .put("checkMs", checkMs)
        .put("trackQueryMedianMs", trackMs[0])
        .put("trackQueryMaxMs", trackMs[1])
        .put("failures", failures)
        .put("ok", failures.isEmpty() && caughtUpMs >= 0);
  }

  /**
   * Times what a browser's replay asks for, {@code GET /api/deliveries/<id>/positions}, on the store as the run
   * left it; each answer must hold (at least) the positions the store check found. Returns {median, max} in ms,
   * or {-1, -1} with nothing to ask.
   */
  private static long[] timeTrackQueries(TestStack stack, Map<String, Long> expectedSizes) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    List<Long> millis = new ArrayList<>();
    for (Map.Entry<String, Long> expected : expectedSizes.entrySet()) {
      long t0 = System.nanoTime();
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
          "http://localhost:" + stack.httpPort() + "/api/deliveries/" + expected.getKey() + "/positions")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      millis.add((System.nanoTime() - t0) / 1_000_000);
      if (response.statusCode() != 200 || new JsonArray(response.body()).size() < expected.getValue()) {
        throw new IllegalStateException("track of " + expected.getKey() + " answered " + response.statusCode()
            + " without its " + expected.getValue() + " stored positions");
      }
    }
    if (millis.isEmpty()) {
      return new long[] {-1, -1};
    }
    Collections.sort(millis);
    return new long[] {millis.get(millis.size() / 2), millis.get(millis.size() - 1)};
  }

  /**
   * Polls one delivery's stored seqs until they are exactly 0..upTo (finished: and nothing beyond), or the deadline.
   * Returns {missing, duplicates, unexpected beyond upTo}.
   */
  private static long[] awaitStored(StoreProbe probe, String deliveryId, long upTo, boolean exact, long deadline)
      throws InterruptedException {
    long[] check;
    while (true) {
      List<Long> seqs = probe.storedSeqs(deliveryId);
      check = compare(seqs, upTo, exact);
      if ((check[0] == 0 && check[1] == 0 && check[2] == 0) || System.nanoTime() >= deadline) {
        return check;
      }
      Thread.sleep(250);
    }
  }

  static long[] compare(List<Long> sortedSeqs, long upTo, boolean exact) {
    long missing = 0;
    long duplicates = 0;
    long unexpected = 0;
    long expect = 0;
    Long previous = null;
    for (Long seq : sortedSeqs) {
      if (previous != null && seq.equals(previous)) {
        duplicates++;
        continue;
      }
      previous = seq;
      if (seq > upTo) {
        if (exact) {
          unexpected++;
        }
        continue;
      }
      if (seq > expect) {
        missing += seq - expect;
      }
      expect = seq + 1;
    }
    if (expect <= upTo) {
      missing += upTo + 1 - expect;
    }
    return new long[] {missing, duplicates, unexpected};
  }

  private JsonObject result(long stackStartedMs, long readyMs, Meters.Reading start, Meters.Reading end, double windowS,
                            Histogram latency, ResourceSampler.Snapshot res, Subscriber.Stats stats, long tailLost,
                            JsonObject store, Fleet fleet, double activeAvg) {
    double produced = end.produced() - start.produced();
    double bridged = end.bridged() - start.bridged();
    double persisted = end.persisted() - start.persisted();
    long delivered = end.delivered() - start.delivered();
    long bridgeLatencyCount = end.latencyCount() - start.latencyCount();
    double bridgeLatencyMean = bridgeLatencyCount == 0 ? 0 : (end.latencyTotalMs() - start.latencyTotalMs()) / bridgeLatencyCount;
    long lostGaps = stats.lostInGaps.sum();
    long storeMissing = store.getLong("missing", 0L);
    long lost = lostGaps + tailLost + storeMissing;
    double expectedProduced = opts.expectedProducedPerSecond();
    double producedRate = produced / windowS;
    double p99 = ms(latency.getValueAtPercentile(99));

    List<String> reasons = new ArrayList<>();
    if (latency.getTotalCount() == 0 && opts.subscribers > 0) {
      reasons.add("no position reached a subscriber");
    }
    if (p99 > opts.p99LimitMs) {
      reasons.add(String.format(Locale.ROOT, "p99 %.1f ms > %.0f ms", p99, opts.p99LimitMs));
    }
    if (lost > 0) {
      reasons.add(lost + " lost");
    }
    if (store.containsKey("backlog")) {
      reasons.add(String.format(Locale.ROOT, "store %d positions behind %d s after production stopped",
          store.getLong("backlog"), store.getInteger("waitS")));
    } else if (opts.persistence && !store.getBoolean("ok", false)) {
      reasons.add("store check failed");
    }
    // One tick's burst (N positions) of slack: the counters move N at a time.
    if (produced < BenchOptions.MIN_PRODUCED_RATIO * expectedProduced * windowS - opts.vehicles) {
      reasons.add(String.format(Locale.ROOT, "produced %.0f/s < %.0f%% of %.0f/s (vehicles held back)",
          producedRate, BenchOptions.MIN_PRODUCED_RATIO * 100, expectedProduced));
    }
    if (stats.closedByServer.sum() > 0) {
      reasons.add(stats.closedByServer.sum() + " subscribers dropped by the server");
    }

    return new JsonObject()
        .put("timestamp", java.time.Instant.now().toString())
        .put("config", new JsonObject()
            .put("vehicles", opts.vehicles)
            .put("intervalMs", opts.intervalMs)
            .put("subscribers", opts.subscribers)
            .put("separateSubscribers", opts.separateSubscribers)
            .put("durationS", opts.durationS)
            .put("warmupS", opts.warmupS)
            .put("persistence", opts.persistence)
            .put("external", opts.external)
            .put("cores", res.cores())
            .put("javaVersion", System.getProperty("java.version")))
        .put("startup", new JsonObject()
            .put("testStackStartMs", stackStartedMs)
            .put("readyMs", readyMs))
        .put("window", new JsonObject()
            .put("seconds", round(windowS, 2))
            .put("vehiclesActiveAvg", round(activeAvg, 1)))
        .put("counts", new JsonObject()
            .put("produced", (long) produced)
            .put("bridged", (long) bridged)
            .put("persisted", (long) persisted)
            .put("delivered", delivered))
        .put("ratesPerSecond", new JsonObject()
            .put("produced", round(producedRate, 1))
            .put("bridged", round(bridged / windowS, 1))
            .put("persisted", round(persisted / windowS, 1))
            .put("delivered", round(delivered / windowS, 1))
            .put("expectedProduced", round(expectedProduced, 1))
            .put("expectedDelivered", round(opts.subscribers * 1000.0 / opts.intervalMs, 1)))
        .put("latencyMs", new JsonObject()
            .put("what", "position timestamp -> receipt by a SockJS subscriber")
            .put("count", latency.getTotalCount())
            .put("p50", ms(latency.getValueAtPercentile(50)))
            .put("p99", p99)
            .put("p999", ms(latency.getValueAtPercentile(99.9)))
            .put("max", ms(latency.getMaxValue()))
            .put("mean", round(latency.getMean() / 1000.0, 2))
            .put("bridgeMean", round(bridgeLatencyMean, 2)))
        .put("integrity", new JsonObject()
            .put("gaps", stats.gaps.sum())
            .put("lostInGaps", lostGaps)
            .put("lostAtStreamEnd", tailLost)
            .put("lostInStore", storeMissing)
            .put("lost", lost)
            .put("duplicates", stats.duplicates.sum())
            .put("duplicatesInStore", store.getLong("duplicates", 0L))
            .put("streamsComplete", stats.completeStreams.sum())
            .put("reassignments", stats.reassignments.sum())
            .put("bridgeErrors", stats.errors.sum())
            .put("subscribersDropped", stats.closedByServer.sum()))
        .put("store", store)
        .put("fleet", new JsonObject()
            .put("started", fleet.started.get())
            .put("finished", fleet.watchlist().finishedCount())
            .put("startFailures", fleet.startFailures.get())
            .put("lastStartFailure", fleet.lastStartFailure()))
        .put("resources", new JsonObject()
            .put("cpuLoadAvg", round(res.cpuLoadAvg(), 3))
            .put("coresUsed", round(res.coresUsed(), 2))
            .put("heapUsedMaxMB", res.heapUsedMax() >> 20)
            .put("heapMaxMB", res.heapMax() >> 20)
            .put("rssMaxMB", res.rssMax() >> 20)
            .put("rssPeakMB", res.rssPeak() >> 20))
        .put("verdict", new JsonObject()
            .put("pass", reasons.isEmpty())
            .put("reasons", String.join("; ", reasons)));
  }

  private static void printTable(JsonObject r) {
    JsonObject c = r.getJsonObject("config");
    JsonObject rates = r.getJsonObject("ratesPerSecond");
    JsonObject counts = r.getJsonObject("counts");
    JsonObject lat = r.getJsonObject("latencyMs");
    JsonObject in = r.getJsonObject("integrity");
    JsonObject store = r.getJsonObject("store");
    JsonObject res = r.getJsonObject("resources");
    JsonObject up = r.getJsonObject("startup");
    JsonObject fleet = r.getJsonObject("fleet");
    JsonObject v = r.getJsonObject("verdict");
    String line = "+" + "-".repeat(34) + "+" + "-".repeat(64) + "+";
    System.out.println();
    System.out.println(line);
    row("Code Delivery pipeline benchmark", "");
    System.out.println(line);
    row("vehicles / interval", c.getInteger("vehicles") + " / " + c.getInteger("intervalMs") + " ms (avg on road "
        + r.getJsonObject("window").getDouble("vehiclesActiveAvg") + ")");
    row("subscribers (SockJS WebSocket)", c.getInteger("subscribers")
        + (c.getBoolean("separateSubscribers", false) ? " (own JVM: CPU, heap and RSS below are the server's)" : ""));
    row("window", r.getJsonObject("window").getDouble("seconds") + " s after " + c.getInteger("warmupS") + " s warm-up");
    row("persistence / infrastructure", (c.getBoolean("persistence") ? "on" : "off") + " / " + (c.getBoolean("external") ? "external" : "embedded"));
    System.out.println(line);
    row("produced", fmt("%.1f/s (expected %.1f/s; %d)", rates.getDouble("produced"), rates.getDouble("expectedProduced"), counts.getLong("produced")));
    row("bridged (event bus)", fmt("%.1f/s (%d)", rates.getDouble("bridged"), counts.getLong("bridged")));
    row("persisted (store)", fmt("%.1f/s (%d)", rates.getDouble("persisted"), counts.getLong("persisted")));
    row("delivered to subscribers", fmt("%.1f/s (expected ~%.1f/s; %d)", rates.getDouble("delivered"), rates.getDouble("expectedDelivered"), counts.getLong("delivered")));
    System.out.println(line);
    row("end-to-end latency (ms)", fmt("p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (n=%d)",
        lat.getDouble("p50"), lat.getDouble("p99"), lat.getDouble("p999"), lat.getDouble("max"), lat.getLong("count")));
    row("bridge latency mean (ms)", fmt("%.2f (timestamp -> event-bus publish)", lat.getDouble("bridgeMean")));
    System.out.println(line);
    row("lost (gaps/stream end/store)", fmt("%d (%d / %d / %d)", in.getLong("lost"), in.getLong("lostInGaps"),
        in.getLong("lostAtStreamEnd"), in.getLong("lostInStore")));
    row("duplicated (subscribers/store)", fmt("%d / %d", in.getLong("duplicates"), in.getLong("duplicatesInStore")));
    row("streams complete / registrations", fmt("%d / %d", in.getLong("streamsComplete"), in.getLong("reassignments")));
    row("bridge errors / dropped subs", fmt("%d / %d", in.getLong("bridgeErrors"), in.getLong("subscribersDropped")));
    if (store.containsKey("skipped")) {
      row("store check", "skipped (" + store.getString("skipped") + ")");
    } else if (store.containsKey("backlog")) {
      row("store check", fmt("not run: %d positions still on the topic for the store after %d s",
          store.getLong("backlog"), store.getInteger("waitS")));
    } else {
      row("store check", fmt("%s: finished %d/%d exact, running %d/%d exact prefix",
          store.getBoolean("ok") ? "OK" : "FAILED", store.getInteger("finishedExact"), store.getInteger("finishedChecked"),
          store.getInteger("runningExactPrefix"), store.getInteger("runningChecked")));
      row("track query (REST, whole track)", store.getLong("trackQueryMedianMs", -1L) >= 0
          ? fmt("median %d ms, max %d ms", store.getLong("trackQueryMedianMs"), store.getLong("trackQueryMaxMs")) : "no delivery to ask for");
      row("store catch-up", store.getLong("persistedCatchUpMs") >= 0 ? store.getLong("persistedCatchUpMs") + " ms" : "not within the wait");
    }
    row("started / finished (whole run)", fmt("%d / %d (start failures %d)", fleet.getLong("started"), fleet.getInteger("finished"), fleet.getLong("startFailures")));
    System.out.println(line);
    row("process CPU", fmt("%.1f%% of %d cores avg (%.2f cores busy)", res.getDouble("cpuLoadAvg") * 100, c.getInteger("cores"), res.getDouble("coresUsed")));
    row("heap used max / heap max", fmt("%d MB / %d MB", res.getLong("heapUsedMaxMB"), res.getLong("heapMaxMB")));
    row("RSS max in window / peak", fmt("%d MB / %d MB", res.getLong("rssMaxMB"), res.getLong("rssPeakMB")));
    row("in-process stack to ready", fmt("%d ms (TestStack.start %d ms)", up.getLong("readyMs"), up.getLong("testStackStartMs")));
    JsonObject jar = r.getJsonObject("jarStartup");
    if (jar != null) {
      row("java -jar to /health/ready 200", jar.containsKey("skipped") ? "not measured: " + jar.getString("skipped")
          : fmt("%d ms (RSS %d MB at ready)", jar.getLong("readyMs"), jar.getLong("rssAtReadyMB")));
    }
    System.out.println(line);
    row("verdict", v.getBoolean("pass") ? "PASS" : "FAIL: " + v.getString("reasons"));
    System.out.println(line);
  }

  private static void row(String key, String value) {
    System.out.printf(Locale.ROOT, "| %-32s | %-62s |%n", key, value);
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static double ms(long micros) {
    return round(micros / 1000.0, 2);
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  private static Path write(BenchOptions opts, JsonObject result) throws IOException {
    Files.createDirectories(opts.out);
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path file = opts.out.resolve("result-" + stamp + ".json");
    Files.writeString(file, result.encodePrettily() + "\n");
    return file;
  }

  static void awaitReady(String url) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build();
    // Polled every 50 ms: the poll interval bounds how exactly start-up is timed. Not listening yet is an exception.
    Awaitility.await(url + " answering 200").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(() -> http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
  }


  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long wait = nanoTime - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }


}
