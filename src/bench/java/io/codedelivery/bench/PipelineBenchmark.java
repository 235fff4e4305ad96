package io.codedelivery.bench;

import ch.qos.logback.classic.Level;
import com.sun.management.UnixOperatingSystemMXBean;
import io.codedelivery.config.Role;
import io.codedelivery.config.Setting;
import io.codedelivery.model.Route;
import io.codedelivery.support.TestStack;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.slf4j.LoggerFactory;

/**
 * Pipeline benchmark: the whole application (embedded Kafka and MongoDB-wire store, every role) in this JVM,
 * N vehicles kept on the road, M real SockJS WebSocket subscribers, and over a measured window: throughput of
 * each stage, end-to-end latency (position timestamp → receipt by a subscriber), loss and duplication seen by the
 * subscribers and in the store, CPU, heap and RSS, and the time the stack takes to become ready.
 *
 * <p>This class is the runner: it reads the command line, runs one measurement or the ramp's search for the
 * highest N, and for each run starts the stack, puts the {@link Fleet} and the subscribers on it, hands the warm-up
 * and the window to {@link Metering}, the store to {@link StoreCheck} and the outcome to {@link Report}, and stops
 * everything again.
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
    // Figures differ from one CPU to another several times over: every run says which it had, and how busy it was.
    System.out.printf(Locale.ROOT, "Machine: %s; load average %.2f (1 min)%n", Machine.current().describe(), Machine.loadAverage());
    int status;
    try {
      status = opts.coldStart ? ColdStart.run(opts) : opts.console > 0 ? ConsoleBenchmark.single(opts)
          : opts.gatewayOnly ? GatewayBenchmark.single(opts) : opts.devices > 0 ? DeviceBenchmark.single(opts)
          : opts.ramp ? ramp(opts) : single(opts);
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
    Report.printTable(result);
    Path file = Report.write(opts, result.copy().put("mode", "single"));
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
      Report.printTable(result);
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
    JsonObject summary = Report.rampSummary(opts, jar, best, failed, steps);
    Report.printRampSummary(opts, steps, best);
    Path file = Report.write(opts, summary);
    System.out.println("JSON: " + file.toAbsolutePath());
    return 0;
  }

  /** One run: start the stack, load it, measure the window, check integrity, stop everything. */
  private JsonObject run() throws Exception {
    checkFileDescriptors();
    Map<Setting, String> overrides = new EnumMap<>(Setting.class);
    overrides.put(Setting.SIMULATION_INTERVAL_MS, String.valueOf(opts.intervalMs));
    overrides.put(Setting.DELIVERIES_MAX_ACTIVE, String.valueOf(Math.min(1_000_000, Math.max(10_000, opts.vehicles * 2))));
    // With persistence, the store check needs production stopped at the end: the simulation is then a tier of its
    // own (a second process in this JVM, on the same broker and store), which the check can stop alone.
    // The simulated vehicles' fixes become positions in the tracking stage, as every device's do; the events stage is
    // left out, as it always was here: this mode measures the positions' path.
    overrides.put(Setting.ROLES, opts.persistence ? "tracking,bridge,persistence,web" : "simulation,tracking,bridge,web");
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
        opts.external ? "external" : "embedded", opts.persistence ? "tracking,bridge,persistence,web, the simulation apart" : "simulation,tracking,bridge,web", opts.intervalMs);
    long t0 = System.nanoTime();
    TestStack stack = TestStack.start(overrides);
    TestStack simulationTier = opts.persistence ? TestStack.alongside(stack, Set.of(Role.SIMULATION)) : null;
    long stackStartedMs = (System.nanoTime() - t0) / 1_000_000;
    long readyMs;
    Fleet fleet = null;
    SubscriberLoad subscribers = null;
    try {
      awaitReady(stack.managementUrl() + "/health/ready");
      readyMs = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf(Locale.ROOT, "Stack ready in %d ms (TestStack.start %d ms); HTTP %d%n", readyMs, stackStartedMs, stack.httpPort());

      List<MeterRegistry> registries = simulationTier == null ? List.of(stack.app().metrics().registry())
          : List.of(stack.app().metrics().registry(), simulationTier.app().metrics().registry());
      List<Route> routes = new ArrayList<>(stack.app().routes().all());
      routes.sort(Comparator.comparing(Route::id));
      fleet = new Fleet(stack.app().vertx(), routes);
      Subscriber.Stats stats = new Subscriber.Stats();

      subscribers = opts.separateSubscribers
          ? SubscriberProcess.start(opts.subscribers, stack.httpPort(), stack.adminToken(), stats, opts.out)
          : new SubscriberPool(opts.subscribers, stack.httpPort(), stack.adminToken(), fleet.watchlist(), stats);
      System.out.printf(Locale.ROOT, "%d SockJS subscribers connected%s; starting %d vehicles over %d ms…%n",
          opts.subscribers, opts.separateSubscribers ? " (in a process of their own)" : "", opts.vehicles,
          opts.warmupS * 500L);

      long loadStart = System.nanoTime();
      fleet.startInitial(opts.vehicles, opts.warmupS * 500L);
      subscribers.assignNow();

      Metering metering = new Metering(registries, stats, fleet, resources, opts.progressS);
      metering.warmUp(loadStart + TimeUnit.SECONDS.toNanos(opts.warmupS));
      Metering.Window window = metering.measure(opts.durationS);

      // After the window: no new deliveries. The subscribers keep pinging (the bridge drops a silent client).
      fleet.stopReplacing();
      JsonObject store;
      if (opts.persistence) {
        // Production stops too, so the store has a fixed target to catch up with.
        simulationTier.stop();
        store = new StoreCheck(opts.storeSample, opts.storeWaitS).check(stack, fleet, metering);
      } else {
        store = new JsonObject().put("skipped", "no persistence role");
      }

      // Tails: a delivery that finished more than the grace period ago must have reached its subscribers' ends.
      long graceLeft = Subscriber.FINISH_GRACE_MS + 500 - (System.nanoTime() - window.plannedEndNanos()) / 1_000_000;
      if (graceLeft > 0) {
        Thread.sleep(graceLeft);
      }
      long tailLost = subscribers.tailLost();
      return Report.result(opts, stackStartedMs, readyMs, window, stats, tailLost, store, fleet);
    } finally {
      if (subscribers != null) {
        subscribers.close();
      }
      if (fleet != null) {
        fleet.close();
      }
      if (simulationTier != null) {
        simulationTier.close();
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

  /** Waits (up to a minute) until {@code url} answers 200; also times the packaged jar's start-up. */
  static void awaitReady(String url) {
    awaitReady(url, Duration.ofSeconds(60));
  }

  static void awaitReady(String url, Duration atMost) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build();
    // Polled every 50 ms: the poll interval bounds how exactly start-up is timed. Not listening yet is an exception.
    Awaitility.await(url + " answering 200").atMost(atMost).pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(() -> http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
  }
}
