package io.codedelivery.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The benchmark's knobs. Each one is read from a system property ({@code -Dbench.vehicles=50}) and then from the
 * command line ({@code --vehicles 50} or {@code --vehicles=50}); the command line wins. Arguments may also arrive
 * as one string holding several words (as Maven passes {@code -Dbench.args="…"}): they are split on blanks.
 */
final class BenchOptions {
  /** A step passes only if the vehicles produced at least this share of the expected rate (none held back). */
  static final double MIN_PRODUCED_RATIO = 0.95;

  int vehicles = 100;
  int intervalMs = 500;
  int subscribers = 100;
  int durationS = 30;
  int warmupS = 10;
  int progressS = 5;
  boolean ramp;
  int rampMax = 20_000;
  int rampSteps = 8;
  boolean persistence = true;
  boolean separateSubscribers;
  boolean external;
  int storeSample = 20;
  int storeWaitS = 60;
  double p99LimitMs = 100;
  boolean verbose;
  /** Devices mode when above 0: registered devices posting OsmAnd fixes instead of simulated vehicles. */
  int devices;
  int fixRate = 20_000;
  int connections = 256;
  /** ingest.instances for the devices mode; 0 = the application's default. */
  int ingestInstances;
  /** Cold-start mode: the packaged jar started fresh, loaded at once by --subscribers browsers starting a delivery each. */
  boolean coldStart;
  /** Cold-start mode: JVM options the jar is started with (e.g. -XX:SharedArchiveFile=…), comma-separated. */
  String jarJvm = "";
  /** Cold-start mode: settings of the jar's process, {@code key=value} comma-separated, to compare levers. */
  String jarSettings = "";
  /** Cold-start mode: the new instance joins a running one on a broker and store of their own, as a scale-out does. */
  boolean scaleOut;
  /** Cold-start mode: the browsers' JVM left as cold as the server, not warmed first against a throwaway instance. */
  boolean coldClient;
  /** Cold-start mode: the jar started without the class-data archive the build writes beside it. */
  boolean noClassArchive;
  /** Cold-start mode: seconds of real traffic (a fifth of the browsers) before the cold round, unmeasured; 0 = none. */
  int preRoundS;
  /** Console mode when above 0: the operator console in headless Chromium with this many deliveries on the road. */
  int console;
  /** Console mode: a DevTools CPU profile of the page over the window. */
  boolean profile;
  /** Console mode: CPUs (a taskset list) Chromium runs on, the server on the others; empty = no pinning. */
  String browserCpus = "";
  /** Gateway mode: only the web and bridge roles under test, fed by a producer of their own (see GatewayBenchmark). */
  boolean gatewayOnly;
  /** Gateway mode: subscribers watching each delivery. */
  int watchers = 1;
  /** Gateway mode: record the server's window with Java Flight Recorder. */
  boolean jfr;
  /** Gateway mode: the server JVM's options. */
  List<String> serverJvm = List.of("-Xms512m", "-Xmx2g", "-XX:+UseG1GC");
  /** Options given on the command line or as properties, so a mode can tell its own defaults from the user's. */
  private final Set<String> given = new HashSet<>();
  Path out = Path.of("target", "bench");

  static final String USAGE = String.join("\n",
      "PipelineBenchmark — load the whole Code Delivery pipeline in this JVM and measure it.",
      "",
      "  --vehicles N        deliveries kept on the road for the whole run (default 100)",
      "  --interval MS       simulation.interval.ms: time between two positions of a vehicle (default 500)",
      "  --subscribers M     real SockJS WebSocket subscribers, each listening to one delivery (default 100)",
      "  --duration S        measured window in seconds, after the warm-up (default 30)",
      "  --warmup S          seconds between the first start and the window (default 10)",
      "  --progress S        seconds between progress lines (default 5)",
      "  --ramp              find the highest N sustained for S seconds with p99 <= limit and nothing lost;",
      "                      --vehicles is the first step, doubled until a step fails, then bisected",
      "  --ramp-max N        largest N the ramp tries (default 20000)",
      "  --ramp-steps K      most steps the ramp runs (default 8)",
      "  --p99-limit MS      latency goal of the ramp (default 100)",
      "  --no-persistence    roles simulation,tracking,bridge,web: no MongoDB writes, no store check",
      "  --separate-subscribers  subscribers in a JVM of their own (more than one process's sockets allow)",
      "  --external          use KAFKA_BOOTSTRAP_SERVERS and MONGO_URI from the environment, not embedded ones",
      "  --store-sample K    deliveries whose stored seqs are checked after the window (default 20)",
      "  --store-wait S      how long persistence may take to catch up before the check fails (default 60)",
      "  --devices N         devices mode: N registered devices, each with a device delivery, posting OsmAnd fixes",
      "                      to the ingest port from a process of their own; --subscribers watch a sample of them",
      "  --fix-rate R        devices mode: fixes a second from all the devices together (default 20000)",
      "  --connections C     devices mode: keep-alive HTTP connections the devices' process posts over (default 256)",
      "  --ingest-instances K  devices mode: ingest.instances (default: the application's)",
      "  --cold-start        start target/code-delivery.jar fresh; once ready, --subscribers browsers each start a",
      "                      delivery (REST) and follow it over SockJS for --duration S; again on the same process a",
      "                      minute later. Use with --interval 100",
      "  --jar-jvm OPTS      cold-start mode: JVM options of the jar's process, comma-separated (a comma inside an",
      "                      option stays: -XX:StartFlightRecording:filename=a.jfr,settings=profile) (default none)",
      "  --jar-settings K=V  cold-start mode: the jar's settings by key, comma-separated (default none)",
      "  --no-class-archive  cold-start mode: start the jar without the class-data archive beside it (target/",
      "                      code-delivery.jsa, written by the build), which the README's command maps",
      "  --cold-client       cold-start mode: leave the browsers' own JVM cold; by default a 15 s round against a",
      "                      throwaway instance warms it first, so that only the server is cold (with --scale-out the",
      "                      existing instance's round does that)",
      "  --pre-round S       cold-start mode: S seconds of real traffic from a fifth of the browsers before the cold",
      "                      round, unmeasured: what a warm-up of the real path that long would buy (default 0)",
      "  --scale-out         cold-start mode: a broker and store in a JVM of their own and an instance already running",
      "                      on them (its own round first, so they are warm); the new instance joins it, as when",
      "                      Kubernetes adds a pod under load. Without it the jar runs on its embedded defaults",
      "  --console N         console mode: N deliveries on the road and the operator console in headless Chromium,",
      "                      measured in the page (frame times, main thread busy, fleet-feed states received)",
      "  --profile           console mode: profile the page's scripts over the window (DevTools; console-N-<time>.cpuprofile",
      "                      in --out, its top functions printed); the profiler's cost is in that run's figures",
      "  --browser-cpus L    console mode: Chromium on these CPUs (taskset list, e.g. 1), the server on the others,",
      "                      as an operator's browser has its computer to itself (default: no pinning)",
      "  --gateway-only      the Kafka -> browser path alone: web and bridge roles in one JVM, the broker in another,",
      "                      a producer process writing each delivery's positions every --interval ms, and",
      "                      --subscribers (default 2000) in a JVM of their own; CPU per delivered message by thread",
      "                      group of the server, latency from the producer's timestamp, lost and duplicated",
      "  --watchers M        gateway mode: subscribers per delivery (default 1; --subscribers / M deliveries)",
      "  --jfr               gateway mode: record the server's window with JFR (settings=profile) into --out",
      "  --server-jvm OPTS   gateway mode: the server JVM's options, comma-separated (default -Xms512m,-Xmx2g,-XX:+UseG1GC)",
      "  --out DIR           where result-<timestamp>.json goes (default target/bench)",
      "  --verbose           keep the application's INFO logs",
      "Through Maven: mvn -B -q -Pbench package -DskipTests exec:exec -Dbench.args=\"--vehicles 50 --duration 10\"",
      "  (-Dbench.jvm=\"…\" replaces the benchmark JVM's options, default -Xms512m -Xmx2g -XX:+UseG1GC).",
      "Run with java directly, every flag also reads as a system property: -Dbench.vehicles=50, -Dbench.ramp=true …");

  /** Options that take no value: present means true. */
  private static final List<String> FLAGS = List.of("ramp", "no-persistence", "separate-subscribers", "external", "verbose",
      "cold-start", "profile", "gateway-only", "jfr", "scale-out", "no-class-archive", "cold-client");
  private static final List<String> KNOWN = Stream.concat(FLAGS.stream(), Stream.of("vehicles", "interval",
      "subscribers", "duration", "warmup", "progress", "ramp-max", "ramp-steps", "p99-limit", "store-sample",
      "store-wait", "out", "devices", "fix-rate", "connections", "ingest-instances", "jar-jvm", "jar-settings", "pre-round",
      "console", "browser-cpus", "watchers", "server-jvm")).toList();

  static BenchOptions parse(String[] argv) {
    BenchOptions o = new BenchOptions();
    for (String name : KNOWN) {
      String value = System.getProperty("bench." + name);
      if (value != null && !value.isBlank()) {
        o.set(name, value.trim());
      }
    }
    List<String> words = new ArrayList<>();
    for (String arg : argv) {
      for (String word : arg.trim().split("\\s+")) {
        if (!word.isEmpty()) {
          words.add(word);
        }
      }
    }
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (word.equals("-h") || word.equals("--help")) {
        System.out.println(USAGE);
        System.exit(0);
      }
      if (!word.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + word + "'\n" + USAGE);
      }
      String name = word.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (!KNOWN.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name + "\n" + USAGE);
      } else if (!isFlag(name)) {
        if (i + 1 >= words.size()) {
          throw new IllegalArgumentException("--" + name + " needs a value\n" + USAGE);
        }
        value = words.get(++i);
      }
      o.set(name, value == null ? "true" : value);
    }
    o.check();
    return o;
  }

  private static boolean isFlag(String name) {
    return FLAGS.contains(name);
  }

  private void set(String name, String value) {
    given.add(name.toLowerCase(Locale.ROOT));
    switch (name.toLowerCase(Locale.ROOT)) {
      case "vehicles" -> vehicles = Integer.parseInt(value);
      case "interval" -> intervalMs = Integer.parseInt(value);
      case "subscribers" -> subscribers = Integer.parseInt(value);
      case "duration" -> durationS = Integer.parseInt(value);
      case "warmup" -> warmupS = Integer.parseInt(value);
      case "progress" -> progressS = Integer.parseInt(value);
      case "ramp" -> ramp = Boolean.parseBoolean(value);
      case "ramp-max" -> rampMax = Integer.parseInt(value);
      case "ramp-steps" -> rampSteps = Integer.parseInt(value);
      case "p99-limit" -> p99LimitMs = Double.parseDouble(value);
      case "no-persistence" -> persistence = !Boolean.parseBoolean(value);
      case "separate-subscribers" -> separateSubscribers = Boolean.parseBoolean(value);
      case "external" -> external = Boolean.parseBoolean(value);
      case "store-sample" -> storeSample = Integer.parseInt(value);
      case "store-wait" -> storeWaitS = Integer.parseInt(value);
      case "out" -> out = Path.of(value);
      case "devices" -> devices = Integer.parseInt(value);
      case "fix-rate" -> fixRate = Integer.parseInt(value);
      case "connections" -> connections = Integer.parseInt(value);
      case "ingest-instances" -> ingestInstances = Integer.parseInt(value);
      case "console" -> console = Integer.parseInt(value);
      case "profile" -> profile = Boolean.parseBoolean(value);
      case "browser-cpus" -> browserCpus = value;
      case "verbose" -> verbose = Boolean.parseBoolean(value);
      case "cold-start" -> coldStart = Boolean.parseBoolean(value);
      case "jar-jvm" -> jarJvm = value;
      case "jar-settings" -> jarSettings = value;
      case "scale-out" -> scaleOut = Boolean.parseBoolean(value);
      case "pre-round" -> preRoundS = Integer.parseInt(value);
      case "no-class-archive" -> noClassArchive = Boolean.parseBoolean(value);
      case "cold-client" -> coldClient = Boolean.parseBoolean(value);
      case "gateway-only" -> gatewayOnly = Boolean.parseBoolean(value);
      case "watchers" -> watchers = Integer.parseInt(value);
      case "jfr" -> jfr = Boolean.parseBoolean(value);
      case "server-jvm" -> serverJvm = List.of(value.split(","));
      default -> throw new IllegalArgumentException("unknown option --" + name + "\n" + USAGE);
    }
  }

  private void check() {
    if (gatewayOnly && !given.contains("subscribers")) {
      subscribers = 2_000; // the workload: 2,000 browsers, one delivery each, 2 positions a second
    }
    if (gatewayOnly && (watchers < 1 || subscribers < watchers || subscribers % watchers != 0 || ramp || devices > 0)) {
      throw new IllegalArgumentException("--gateway-only needs --watchers M >= 1 dividing --subscribers, and no --ramp or --devices");
    }
    if (vehicles < 1 || subscribers < 0 || durationS < 1 || warmupS < 0 || progressS < 1) {
      throw new IllegalArgumentException("vehicles >= 1, subscribers >= 0, duration >= 1, warmup >= 0, progress >= 1\n" + USAGE);
    }
    // A fix time is a whole millisecond, strictly increasing per device: at most 1,000 fixes a second each.
    if (devices < 0 || devices > 0 && (fixRate < 1 || fixRate > 1_000L * devices || connections < 1 || subscribers > devices || ramp)) {
      throw new IllegalArgumentException("--devices N needs 1 <= --fix-rate <= 1000 N, --connections >= 1, --subscribers <= N,"
          + " and no --ramp");
    }
    if (console < 0 || console > 0 && (devices > 0 || ramp)) {
      throw new IllegalArgumentException("--console N needs N >= 1, and neither --devices nor --ramp");
    }
    if (intervalMs < 10 || intervalMs > 60_000) {
      throw new IllegalArgumentException("--interval must be 10..60000 ms (simulation.interval.ms)");
    }
  }

  BenchOptions withVehicles(int n) {
    BenchOptions copy = copy();
    copy.vehicles = n;
    return copy;
  }

  private BenchOptions copy() {
    BenchOptions c = new BenchOptions();
    c.vehicles = vehicles;
    c.intervalMs = intervalMs;
    c.subscribers = subscribers;
    c.durationS = durationS;
    c.warmupS = warmupS;
    c.progressS = progressS;
    c.ramp = ramp;
    c.rampMax = rampMax;
    c.rampSteps = rampSteps;
    c.persistence = persistence;
    c.separateSubscribers = separateSubscribers;
    c.external = external;
    c.storeSample = storeSample;
    c.storeWaitS = storeWaitS;
    c.p99LimitMs = p99LimitMs;
    c.verbose = verbose;
    c.out = out;
    c.devices = devices;
    c.fixRate = fixRate;
    c.connections = connections;
    c.ingestInstances = ingestInstances;
    c.console = console;
    c.profile = profile;
    c.browserCpus = browserCpus;
    c.gatewayOnly = gatewayOnly;
    c.watchers = watchers;
    c.jfr = jfr;
    c.serverJvm = serverJvm;
    c.given.addAll(given);
    return c;
  }

  /** Positions a second the simulation should produce when it keeps up. */
  double expectedProducedPerSecond() {
    return vehicles * 1000.0 / intervalMs;
  }
}
