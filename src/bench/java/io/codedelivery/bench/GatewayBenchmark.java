package io.codedelivery.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The gateway mode ({@code --gateway-only}): the Kafka → browser path alone, each part in a JVM of its own so that
 * the server's CPU is its own: the broker (and the store its sign-in needs) in a {@link BrokerProcess}; the server
 * under test, the web and bridge roles, in a {@link GatewayServerProcess}; a {@link PositionProducer} writing each
 * of {@code --subscribers / --watchers} deliveries' positions every {@code --interval} ms; and the subscribers in a
 * {@link SubscriberProcess}, {@code --watchers} on each delivery. After the warm-up it measures a window: the
 * server's CPU by thread group ({@link ThreadGroupCpu}) and per message delivered to a subscriber, latency from the
 * producer's timestamp to a subscriber's receipt, and positions lost (seq gaps, stream ends never seen) or
 * duplicated. Then the producer ends every delivery, and each subscriber must see its delivery's end.
 *
 * <p>The workload is the side-by-side comparison with another gateway: anything that consumes the same
 * records and serves SockJS subscribers can be measured the same way.
 */
final class GatewayBenchmark {
  /** The goal per delivered message, in microseconds of the server's CPU, JIT compilers excluded. */
  static final double GOAL_MICROS_PER_MESSAGE = 19;
  private static final long READY_TIMEOUT_S = 180;

  private final BenchOptions opts;
  private final int deliveries;

  private GatewayBenchmark(BenchOptions opts) {
    this.opts = opts;
    this.deliveries = opts.subscribers / opts.watchers;
  }

  static int single(BenchOptions opts) throws Exception {
    JsonObject result = new GatewayBenchmark(opts).run();
    printTable(result);
    Path file = Report.write(opts, result.copy().put("mode", "gateway"));
    System.out.println("JSON: " + file.toAbsolutePath());
    return 0;
  }

  /** What the parts had counted at one instant, and the server's threads' CPU then. */
  private record Reading(long nanos, long produced, long late, long bridged, long delivered, ThreadGroupCpu.Sample cpu) {
  }

  private JsonObject run() throws Exception {
    Files.createDirectories(opts.out);
    System.out.printf(Locale.ROOT, "Gateway mode on %s, load average %s; %d deliveries × %d watchers, a position"
            + " every %d ms each: %.0f positions/s, %.0f messages/s to subscribers%n", Machine.current().describe(),
        Machine.loadAverages(), deliveries, opts.watchers, opts.intervalMs,
        offeredPerSecond(), offeredPerSecond() * opts.watchers);
    List<AutoCloseable> started = new ArrayList<>();
    try {
      ChildProcess broker = ChildProcess.start(opts.out, "broker", List.of("-Xmx1g"), BrokerProcess.class, List.of(), "", READY_TIMEOUT_S);
      started.add(0, broker);
      JsonObject infra = broker.ready();
      ChildProcess server = ChildProcess.start(opts.out, "server", opts.serverJvm, GatewayServerProcess.class,
          List.of(infra.getString("kafka"), infra.getString("mongo")), "", READY_TIMEOUT_S);
      started.add(0, server);
      long serverPid = server.pid();
      if (!ThreadGroupCpu.available(serverPid)) {
        throw new IllegalStateException("--gateway-only reads the server's threads from /proc: Linux only");
      }
      int httpPort = server.ready().getInteger("httpPort");
      String token = server.ready().getString("token");
      System.out.printf(Locale.ROOT, "Server (pid %d, %s) ready on port %d; broker at %s%n", serverPid,
          String.join(" ", opts.serverJvm), httpPort, infra.getString("kafka"));

      Path deliveryFile = opts.out.resolve("gateway-deliveries.txt");
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < deliveries; i++) {
        ids.add(UUID.randomUUID().toString());
      }
      Files.write(deliveryFile, ids);
      Subscriber.Stats stats = new Subscriber.Stats();
      SubscriberProcess subscribers = SubscriberProcess.start(opts.subscribers, httpPort, token, stats, opts.out, deliveryFile);
      started.add(0, subscribers);
      subscribers.assignNow();
      System.out.printf(Locale.ROOT, "%d SockJS subscribers connected (own JVM); starting the producer…%n", opts.subscribers);
      ChildProcess producer = ChildProcess.start(opts.out, "producer", List.of("-Xmx512m"), PositionProducer.class,
          List.of(infra.getString("kafka"), deliveryFile.toString(), String.valueOf(opts.intervalMs)), "", READY_TIMEOUT_S);
      started.add(0, producer);

      long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(opts.warmupS);
      Reading previous = read(producer, server, stats, serverPid);
      while (System.nanoTime() < warmupEnd) {
        Metering.sleepUntil(Math.min(warmupEnd, System.nanoTime() + TimeUnit.SECONDS.toNanos(opts.progressS)));
        Reading now = read(producer, server, stats, serverPid);
        progress("warm-up", previous, now, stats.takeInterval(), stats);
        previous = now;
      }

      String loadAtStart = Machine.loadAverages();
      Profile profile = opts.jfr ? Profile.start(serverPid, opts.out) : null;
      stats.takeInterval(); // forget the warm-up's latencies
      Reading start = read(producer, server, stats, serverPid);
      long windowEnd = start.nanos() + TimeUnit.SECONDS.toNanos(opts.durationS);
      Histogram latency = Metering.window(windowEnd, opts.progressS, stats, start, () -> read(producer, server, stats, serverPid),
          (before, now, interval) -> progress("window " + (now.nanos() - start.nanos()) / 1_000_000_000L + "/" + opts.durationS + "s",
              before, now, interval, stats));
      Reading end = read(producer, server, stats, serverPid);
      String loadAtEnd = Machine.loadAverages();
      String recording = profile == null ? null : profile.stop();

      // Every delivery ends; each subscriber must see its delivery's finishing position.
      JsonObject produced = producer.end();
      Thread.sleep(Subscriber.FINISH_GRACE_MS + 1_000);
      long tailLost = subscribers.tailLost();
      latency.add(stats.takeInterval());
      return result(start, end, latency, stats, tailLost, produced, loadAtStart, loadAtEnd, recording);
    } finally {
      for (AutoCloseable part : started) {
        try {
          if (part instanceof ChildProcess child) {
            child.end(); // the producer has ended already, and answers at once
          }
          part.close();
        } catch (Exception e) {
          System.err.println("Stopping a part of the benchmark: " + e);
        }
      }
    }
  }

  private double offeredPerSecond() {
    return deliveries * 1000.0 / opts.intervalMs;
  }

  private static Reading read(ChildProcess producer, ChildProcess server, Subscriber.Stats stats, long serverPid) {
    return new Reading(System.nanoTime(), producer.stats().getLong("acked", 0L), producer.stats().getLong("late", 0L),
        server.stats().getLong("bridged", 0L), stats.delivered.sum(), ThreadGroupCpu.sample(serverPid));
  }

  private static void progress(String phase, Reading before, Reading now, Histogram interval, Subscriber.Stats stats) {
    double s = Math.max(1e-9, (now.nanos() - before.nanos()) / 1e9);
    ThreadGroupCpu.Usage cpu = ThreadGroupCpu.between(before.cpu(), now.cpu());
    long delivered = now.delivered() - before.delivered();
    String latency = interval.getTotalCount() == 0 ? "p99 –" : String.format(Locale.ROOT, "p50 %.1f p99 %.1f max %.1f ms",
        interval.getValueAtPercentile(50) / 1000.0, interval.getValueAtPercentile(99) / 1000.0, interval.getMaxValue() / 1000.0);
    System.out.printf(Locale.ROOT, "%s [%-14s] produced %.0f/s bridged %.0f/s delivered %.0f/s | %s | lost %d dup %d dropped %d"
            + " | server %.2f cores, %.1f µs/msg w/o JIT (JIT %.2f cores) | load %s%n",
        LocalTime.now().truncatedTo(ChronoUnit.SECONDS), phase, (now.produced() - before.produced()) / s,
        (now.bridged() - before.bridged()) / s, delivered / s, latency, stats.lostInGaps.sum(), stats.duplicates.sum(),
        stats.closedByServer.sum(), cpu.cores(cpu.total()), delivered == 0 ? 0 : cpu.totalWithoutJit() / 1000.0 / delivered,
        cpu.cores(cpu.byGroup().get(ThreadGroupCpu.Group.JIT)), Machine.loadAverages());
  }

  private JsonObject result(Reading start, Reading end, Histogram latency, Subscriber.Stats stats, long tailLost,
      JsonObject produced, String loadAtStart, String loadAtEnd, String recording) {
    double windowS = (end.nanos() - start.nanos()) / 1e9;
    long delivered = end.delivered() - start.delivered();
    double producedRate = (end.produced() - start.produced()) / windowS;
    ThreadGroupCpu.Usage cpu = ThreadGroupCpu.between(start.cpu(), end.cpu());
    JsonObject cores = new JsonObject();
    JsonObject micros = new JsonObject();
    JsonObject kernel = new JsonObject();
    cpu.byGroup().forEach((group, nanos) -> {
      cores.put(group.label, Report.round(cpu.cores(nanos), 3));
      micros.put(group.label, perMessage(nanos, delivered));
      kernel.put(group.label, Report.round(cpu.kernelShare().getOrDefault(group, 0.0), 2));
    });
    JsonObject busiest = new JsonObject();
    cpu.byThreadName().entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
        .forEach(thread -> busiest.put(thread.getKey(), Report.round(cpu.cores(thread.getValue()), 3)));
    Double microsWithoutJit = perMessage(cpu.totalWithoutJit(), delivered);
    double p99 = Report.ms(latency.getValueAtPercentile(99));
    long lost = stats.lostInGaps.sum() + tailLost;
    long completeStreams = stats.completeStreams.sum();

    List<String> reasons = new ArrayList<>();
    if (latency.getTotalCount() == 0) {
      reasons.add("no position reached a subscriber");
    }
    if (p99 > opts.p99LimitMs) {
      reasons.add(Report.fmt("p99 %.1f ms > %.0f ms", p99, opts.p99LimitMs));
    }
    if (lost > 0) {
      reasons.add(lost + " lost");
    }
    if (stats.duplicates.sum() > 0) {
      reasons.add(stats.duplicates.sum() + " duplicated");
    }
    if (completeStreams < opts.subscribers) {
      reasons.add(Report.fmt("%d of %d subscribers saw their delivery's end", completeStreams, opts.subscribers));
    }
    Report.addDroppedSubscribers(reasons, stats);
    if (produced.getLong("failed") > 0) {
      reasons.add(produced.getLong("failed") + " sends failed at the producer");
    }
    if (producedRate < BenchOptions.MIN_PRODUCED_RATIO * offeredPerSecond()) {
      reasons.add(Report.fmt("produced %.0f/s < %.0f%% of %.0f/s (the producer was starved)", producedRate,
          BenchOptions.MIN_PRODUCED_RATIO * 100, offeredPerSecond()));
    }
    if (microsWithoutJit == null || microsWithoutJit > GOAL_MICROS_PER_MESSAGE) {
      reasons.add(Report.fmt("%s µs of CPU per message (JIT excluded) > %.0f µs", microsWithoutJit, GOAL_MICROS_PER_MESSAGE));
    }
    return new JsonObject()
        .put("timestamp", java.time.Instant.now().toString())
        .put("machine", Machine.current().toJson().put("javaVersion", System.getProperty("java.version"))
            .put("loadAverageAtWindowStart", loadAtStart).put("loadAverageAtWindowEnd", loadAtEnd))
        .put("config", new JsonObject()
            .put("subscribers", opts.subscribers)
            .put("watchersPerDelivery", opts.watchers)
            .put("deliveries", deliveries)
            .put("intervalMs", opts.intervalMs)
            .put("offeredPositionsPerSecond", offeredPerSecond())
            .put("durationS", opts.durationS)
            .put("warmupS", opts.warmupS)
            .put("serverJvm", String.join(" ", opts.serverJvm))
            .put("jfr", recording))
        .put("window", new JsonObject().put("seconds", Report.round(windowS, 2)))
        .put("ratesPerSecond", new JsonObject()
            .put("produced", Report.round(producedRate, 1))
            .put("bridged", Report.round((end.bridged() - start.bridged()) / windowS, 1))
            .put("delivered", Report.round(delivered / windowS, 1))
            .put("expectedDelivered", Report.round(producedRate * opts.watchers, 1))
            .put("producerFellBehind", end.late() - start.late()))
        .put("latencyMs", new JsonObject()
            .put("what", "the producer's timestamp -> receipt by a SockJS subscriber")
            .mergeIn(Report.percentilesMs(latency)))
        .put("integrity", new JsonObject()
            .put("lost", lost)
            .put("lostInGaps", stats.lostInGaps.sum())
            .put("lostAtStreamEnd", tailLost)
            .put("duplicates", stats.duplicates.sum())
            .put("streamsComplete", completeStreams)
            .put("producerFailed", produced.getLong("failed"))
            .put("bridgeErrors", stats.errors.sum())
            .put("subscribersDropped", stats.closedByServer.sum()))
        .put("serverCpu", new JsonObject()
            .put("cores", Report.round(cpu.cores(cpu.total()), 3))
            .put("coresByThreadGroup", cores)
            .put("microsPerMessageByThreadGroup", micros)
            .put("kernelShareByThreadGroup", kernel)
            .put("microsPerMessage", perMessage(cpu.total(), delivered))
            .put("microsPerMessageWithoutJit", microsWithoutJit)
            .put("busiestThreads", busiest))
        .put("verdict", new JsonObject().put("pass", reasons.isEmpty()).put("reasons", String.join("; ", reasons)));
  }

  private static void printTable(JsonObject r) {
    JsonObject m = r.getJsonObject("machine");
    JsonObject c = r.getJsonObject("config");
    JsonObject rate = r.getJsonObject("ratesPerSecond");
    JsonObject lat = r.getJsonObject("latencyMs");
    JsonObject in = r.getJsonObject("integrity");
    JsonObject cpu = r.getJsonObject("serverCpu");
    JsonObject v = r.getJsonObject("verdict");
    String line = Report.LINE;
    System.out.println();
    System.out.println(line);
    Report.row("Code Delivery gateway benchmark", "Kafka -> web,bridge server -> SockJS subscribers");
    System.out.println(line);
    Report.row("machine", Report.fmt("%s, %d cores, Java %s", m.getString("cpuModel"), m.getInteger("cores"), m.getString("javaVersion")));
    Report.row("load average (1/5/15 min)", "window start " + m.getString("loadAverageAtWindowStart") + ", end " + m.getString("loadAverageAtWindowEnd"));
    Report.row("workload", Report.fmt("%d deliveries x %d watchers, every %d ms: %.0f positions/s", c.getInteger("deliveries"),
        c.getInteger("watchersPerDelivery"), c.getInteger("intervalMs"), c.getDouble("offeredPositionsPerSecond")));
    Report.row("window", Report.fmt("%.1f s after %d s warm-up; server JVM %s", r.getJsonObject("window").getDouble("seconds"),
        c.getInteger("warmupS"), c.getString("serverJvm")));
    System.out.println(line);
    Report.row("produced / bridged", Report.fmt("%.1f/s / %.1f/s (producer behind %d times)", rate.getDouble("produced"), rate.getDouble("bridged"),
        rate.getLong("producerFellBehind")));
    Report.row("delivered to subscribers", Report.fmt("%.1f/s (expected %.1f/s)", rate.getDouble("delivered"), rate.getDouble("expectedDelivered")));
    Report.row("producer -> subscriber (ms)", Report.fmt("p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (n=%d)", lat.getDouble("p50"),
        lat.getDouble("p99"), lat.getDouble("p999"), lat.getDouble("max"), lat.getLong("count")));
    Report.row("lost (gaps / stream end) / dup", Report.fmt("%d (%d / %d) / %d", in.getLong("lost"), in.getLong("lostInGaps"),
        in.getLong("lostAtStreamEnd"), in.getLong("duplicates")));
    Report.row("ends seen / dropped / errors", Report.fmt("%d / %d / %d", in.getLong("streamsComplete"), in.getLong("subscribersDropped"),
        in.getLong("bridgeErrors")));
    System.out.println(line);
    Report.row("server CPU", Report.fmt("%.3f cores; %s µs/msg, %s µs/msg without JIT", cpu.getDouble("cores"), cpu.getValue("microsPerMessage"),
        cpu.getValue("microsPerMessageWithoutJit")));
    JsonObject micros = cpu.getJsonObject("microsPerMessageByThreadGroup");
    JsonObject kernel = cpu.getJsonObject("kernelShareByThreadGroup");
    cpu.getJsonObject("coresByThreadGroup").forEach(group -> Report.row("  " + group.getKey(),
        Report.fmt("%.3f cores, %s µs/msg (%.0f%% in the kernel)", (Double) group.getValue(), micros.getValue(group.getKey()),
            kernel.getDouble(group.getKey()) * 100)));
    Report.row("busiest threads (cores)", cpu.getJsonObject("busiestThreads").encode().replace("\"", ""));
    if (c.getString("jfr") != null) {
      Report.row("JFR recording of the window", c.getString("jfr"));
    }
    System.out.println(line);
    Report.row("verdict", v.getBoolean("pass") ? "PASS" : "FAIL: " + v.getString("reasons"));
    System.out.println(line);
  }

  /** Java Flight Recorder on the server for the window, through jcmd. */
  private record Profile(long pid, Path file) {
    static Profile start(long pid, Path dir) throws Exception {
      Path file = dir.resolve("gateway-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".jfr")
          .toAbsolutePath();
      jcmd(pid, "JFR.start", "name=gateway", "settings=profile", "filename=" + file);
      return new Profile(pid, file);
    }

    String stop() throws Exception {
      jcmd(pid, "JFR.stop", "name=gateway");
      return file.toString();
    }

    private static void jcmd(long pid, String... command) throws Exception {
      List<String> line = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/jcmd", String.valueOf(pid)));
      line.addAll(List.of(command));
      Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (process.waitFor() != 0) {
        throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + output);
      }
    }
  }

  private static Double perMessage(long nanos, long messages) {
    return messages == 0 ? null : Report.round(nanos / 1000.0 / messages, 2);
  }
}
