package io.codedelivery.bench;

import io.codedelivery.model.Fields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * What a run tells its reader. It turns a measured {@link Metering.Window}, the subscribers' counts and the
 * {@link StoreCheck}'s answer into the result JSON, with its verdict (p99 within {@code --p99-limit}, nothing lost,
 * the store caught up and exact, the vehicles not held back, no subscriber dropped, no {@link Backlog} in the
 * window) and the machine it ran on ({@link Machine}); prints that result as the
 * table on stdout, and the ramp's steps as its summary; and writes {@code result-<timestamp>.json}. The JSON's shape
 * is the benchmark's interface to whoever compares runs, so it lives here alone.
 */
final class Report {
  static final String LINE = "+" + "-".repeat(34) + "+" + "-".repeat(64) + "+";

  private Report() {
  }

  /** One run's result: what it was asked, what it measured, and whether that passes. */
  static JsonObject result(BenchOptions opts, long stackStartedMs, long readyMs, Metering.Window window,
                           Subscriber.Stats stats, long tailLost, JsonObject store, Fleet fleet) {
    Metering.Reading start = window.start();
    Metering.Reading end = window.end();
    double windowS = window.seconds();
    Histogram latency = window.latency();
    ResourceSampler.Snapshot res = window.resources();
    double activeAvg = window.vehiclesActiveAvg();
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
    addDroppedSubscribers(reasons, stats);
    Backlog backlog = Backlog.of(opts, window);
    reasons.addAll(backlog.reasons());

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
            .put("machine", Machine.current().toJson())
            .put("javaVersion", System.getProperty("java.version")))
        .put("startup", new JsonObject()
            .put("testStackStartMs", stackStartedMs)
            .put("readyMs", readyMs))
        .put("window", new JsonObject()
            .put("seconds", round(windowS, 2))
            .put("vehiclesActiveAvg", round(activeAvg, 1)))
        .put("backlog", backlog.toJson())
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
            .mergeIn(percentilesMs(latency))
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
            .put("rssPeakMB", res.rssPeak() >> 20)
            .put("loadAverage", loadAverage(res)))
        .put("verdict", new JsonObject()
            .put("pass", reasons.isEmpty())
            .put("backlogInWindow", backlog.found())
            .put("reasons", String.join("; ", reasons)));
  }

  /** The machine's one-minute load average as the window started and ended: how much of the machine the run had. */
  private static JsonObject loadAverage(ResourceSampler.Snapshot res) {
    return new JsonObject().put("windowStart", res.loadAverageAtStart()).put("windowEnd", res.loadAverageAtEnd());
  }

  /** The result as a table on stdout. */
  static void printTable(JsonObject r) {
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
    System.out.println();
    r.getJsonObject("backlog").getJsonArray("warnings").forEach(warning -> System.out.println("WARNING: " + warning));
    System.out.println(LINE);
    row("Code Delivery pipeline benchmark", "");
    System.out.println(LINE);
    row("machine", describeMachine(c, res));
    row("vehicles / interval", c.getInteger("vehicles") + " / " + c.getInteger("intervalMs") + " ms (avg on road "
        + r.getJsonObject("window").getDouble("vehiclesActiveAvg") + ")");
    row("subscribers (SockJS WebSocket)", c.getInteger("subscribers")
        + (c.getBoolean("separateSubscribers", false) ? " (own JVM: CPU, heap and RSS below are the server's)" : ""));
    row("window", r.getJsonObject("window").getDouble("seconds") + " s after " + c.getInteger("warmupS") + " s warm-up");
    row("persistence / infrastructure", (c.getBoolean("persistence") ? "on" : "off") + " / " + (c.getBoolean("external") ? "external" : "embedded"));
    System.out.println(LINE);
    row("produced", fmt("%.1f/s (expected %.1f/s; %d)", rates.getDouble("produced"), rates.getDouble("expectedProduced"), counts.getLong("produced")));
    row("bridged (event bus)", fmt("%.1f/s (%d)", rates.getDouble("bridged"), counts.getLong("bridged")));
    row("persisted (store)", fmt("%.1f/s (%d)", rates.getDouble("persisted"), counts.getLong("persisted")));
    row("delivered to subscribers", fmt("%.1f/s (expected ~%.1f/s; %d)", rates.getDouble("delivered"), rates.getDouble("expectedDelivered"), counts.getLong("delivered")));
    System.out.println(LINE);
    row("end-to-end latency (ms)", fmt("p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (n=%d)",
        lat.getDouble("p50"), lat.getDouble("p99"), lat.getDouble("p999"), lat.getDouble("max"), lat.getLong("count")));
    row("bridge latency mean (ms)", fmt("%.2f (timestamp -> event-bus publish)", lat.getDouble("bridgeMean")));
    System.out.println(LINE);
    row("lost (gaps/stream end/store)", fmt("%d (%d / %d / %d)", in.getLong("lost"), in.getLong("lostInGaps"),
        in.getLong("lostAtStreamEnd"), in.getLong("lostInStore")));
    row("duplicated (subscribers/store)", fmt("%d / %d", in.getLong("duplicates"), in.getLong("duplicatesInStore")));
    row("streams complete / registrations", fmt("%d / %d", in.getLong("streamsComplete"), in.getLong("reassignments")));
    bridgeRow(in);
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
    System.out.println(LINE);
    row("process CPU", fmt("%.1f%% of %d cores avg (%.2f cores busy)", res.getDouble("cpuLoadAvg") * 100, c.getInteger("cores"), res.getDouble("coresUsed")));
    row("heap used max / heap max", fmt("%d MB / %d MB", res.getLong("heapUsedMaxMB"), res.getLong("heapMaxMB")));
    row("RSS max in window / peak", fmt("%d MB / %d MB", res.getLong("rssMaxMB"), res.getLong("rssPeakMB")));
    row("in-process stack to ready", fmt("%d ms (TestStack.start %d ms)", up.getLong("readyMs"), up.getLong("testStackStartMs")));
    JsonObject jar = r.getJsonObject("jarStartup");
    if (jar != null) {
      JsonObject without = jar.getJsonObject("withoutClassArchive");
      row("java -jar to /health/ready 200", jar.containsKey("skipped") ? "not measured: " + jar.getString("skipped")
          : fmt("%d ms (RSS %d MB at ready)%s", jar.getLong("readyMs"), jar.getLong("rssAtReadyMB"), without == null
              ? ", no class-data archive beside the jar" : fmt("; %d ms without the class-data archive", without.getLong("readyMs"))));
    }
    System.out.println(LINE);
    row("verdict", v.getBoolean("pass") ? "PASS" : "FAIL: " + v.getString("reasons"));
    System.out.println(LINE);
  }

  /** The CPU, and the load average the window started and ended with (the cores may be shared with other work). */
  private static String describeMachine(JsonObject config, JsonObject resources) {
    JsonObject m = config.getJsonObject("machine");
    JsonObject load = resources.getJsonObject("loadAverage");
    return fmt("%s, %d CPUs / %d cores, %d MHz; load %.2f -> %.2f", m.getString("cpuModel"), m.getInteger("logicalCpus"),
        m.getInteger("cores"), m.getLong("mhz"), load.getDouble("windowStart"), load.getDouble("windowEnd"));
  }

  /** The devices mode's goal (issue 15): fixes a second accepted on one instance, with p99 and loss as above. */
  static final int DEVICE_GOAL_FIXES_PER_SECOND = 20_000;
  /** Share of the goal the window must show: its edges cut requests in flight. */
  private static final double DEVICE_GOAL_SLACK = 0.99;

  /** The devices mode's result: what the phones were answered, what reached the subscribers, and how fast. */
  static JsonObject deviceResult(BenchOptions opts, long readyMs, DeviceBenchmark.Reading start, DeviceBenchmark.Reading end,
                                 Histogram latency, Subscriber.Stats stats, JsonObject ending, JsonObject phones,
                                 JsonObject phoneLatencies, ResourceSampler.Snapshot res, JsonObject coresByThreadGroup) {
    double windowS = (end.nanos() - start.nanos()) / 1e9;
    double acceptedRate = (end.accepted() - start.accepted()) / windowS;
    double p99 = ms(latency.getValueAtPercentile(99));
    long lost = ending.getLong("lost");
    long duplicates = stats.duplicates.sum();
    List<String> reasons = new ArrayList<>();
    if (acceptedRate < DEVICE_GOAL_SLACK * DEVICE_GOAL_FIXES_PER_SECOND) {
      reasons.add(fmt("accepted %.0f fixes/s < %d/s", acceptedRate, DEVICE_GOAL_FIXES_PER_SECOND));
    }
    if (latency.getTotalCount() == 0 && opts.subscribers > 0) {
      reasons.add("no fix reached a subscriber");
    }
    if (p99 > opts.p99LimitMs) {
      reasons.add(fmt("p99 %.1f ms > %.0f ms", p99, opts.p99LimitMs));
    }
    if (lost > 0) {
      reasons.add(lost + " answered 200 and never seen");
    }
    if (duplicates > 0) {
      reasons.add(duplicates + " seen twice");
    }
    addDroppedSubscribers(reasons, stats);
    int backlog = start.phones().getInteger("inFlight", 0);
    if (backlog > opts.fixRate) {
      reasons.add(fmt("the window began with %d fixes unanswered, more than a second's worth: the warm-up's backlog, "
          + "whose queue the latency measures", backlog));
    }
    return new JsonObject()
        .put("timestamp", java.time.Instant.now().toString())
        .put("config", new JsonObject().put("devices", opts.devices).put("fixRate", opts.fixRate)
            .put("rampS", DeviceLoadProcess.rampSeconds(opts)).put("inFlightAtWindowStart", backlog)
            .put("connections", opts.connections).put("subscribers", opts.subscribers).put("durationS", opts.durationS)
            .put("warmupS", opts.warmupS).put("persistence", opts.persistence).put("cores", res.cores())
            .put("machine", Machine.current().toJson()).put("javaVersion", System.getProperty("java.version")))
        .put("startup", new JsonObject().put("readyMs", readyMs))
        .put("window", new JsonObject().put("seconds", round(windowS, 2)))
        .put("ratesPerSecond", new JsonObject()
            .put("offered", opts.fixRate)
            .put("sent", round((end.sent() - start.sent()) / windowS, 1))
            .put("answered200", round((end.answered200() - start.answered200()) / windowS, 1))
            .put("accepted", round(acceptedRate, 1))
            .put("tracked", round((end.tracked() - start.tracked()) / windowS, 1))
            .put("bridged", round((end.bridged() - start.bridged()) / windowS, 1))
            .put("persisted", round((end.persisted() - start.persisted()) / windowS, 1))
            .put("delivered", round((end.delivered() - start.delivered()) / windowS, 1)))
        .put("phones", phones)
        .put("latencyMs", new JsonObject()
            .put("what", "a phone's request start (its fix time) -> receipt by a SockJS subscriber")
            .mergeIn(percentilesMs(latency)))
        .put("phoneLatenciesMs", phoneLatencies.put("what", "fixes answered 200: connectionWait from the fix's moment to its"
            + " request's turn on a connection (the phones' queue), answer from then to the 200"))
        .put("integrity", new JsonObject()
            .put("lost", lost)
            .put("duplicates", duplicates)
            .put("seenUnacknowledged", ending.getLong("seenUnacknowledged"))
            .put("unansweredAtEnd", ending.getLong("unansweredAtEnd"))
            .put("bridgeErrors", stats.errors.sum())
            .put("subscribersDropped", stats.closedByServer.sum()))
        .put("resources", new JsonObject()
            .put("coresUsed", round(res.coresUsed(), 2))
            // Comparable between runs on a machine shared with other work, where the rate is whatever CPU was left.
            .put("cpuMsPerAcceptedFix", acceptedRate <= 0 ? null : round(res.coresUsed() * 1000 / acceptedRate, 3))
            .put("coresByThreadGroup", coresByThreadGroup)
            .put("heapUsedMaxMB", res.heapUsedMax() >> 20)
            .put("heapMaxMB", res.heapMax() >> 20)
            .put("rssMaxMB", res.rssMax() >> 20)
            .put("loadAverage", loadAverage(res)))
        .put("verdict", new JsonObject().put("pass", reasons.isEmpty()).put("reasons", String.join("; ", reasons)));
  }

  /**
   * A verdict's reason when the server closed subscribers' sockets. A dropped subscriber does not reconnect (the map
   * page does), so what it would have seen counts as lost too.
   */
  static void addDroppedSubscribers(List<String> reasons, Subscriber.Stats stats) {
    long dropped = stats.closedByServer.sum();
    if (dropped > 0) {
      reasons.add(dropped + " subscribers dropped by the server");
    }
  }

  /** Errors the event-bus bridge sent the subscribers, and subscribers whose socket the server closed. */
  private static void bridgeRow(JsonObject integrity) {
    row("bridge errors / dropped subs", fmt("%d / %d", integrity.getLong("bridgeErrors"), integrity.getLong("subscribersDropped")));
  }

  /** The devices mode's result as a table on stdout. */
  static void printDeviceTable(JsonObject r) {
    JsonObject c = r.getJsonObject("config");
    JsonObject rate = r.getJsonObject("ratesPerSecond");
    JsonObject lat = r.getJsonObject("latencyMs");
    JsonObject in = r.getJsonObject("integrity");
    JsonObject res = r.getJsonObject("resources");
    System.out.println();
    System.out.println(LINE);
    row("machine", describeMachine(c, res));
    row("devices / fixes offered", fmt("%d devices, %d fixes/s over %d connections, %d s after %d s (ramp %d s)",
        c.getInteger("devices"), c.getInteger("fixRate"), c.getInteger("connections"), c.getInteger("durationS"),
        c.getInteger("warmupS"), c.getInteger("rampS")));
    row("unanswered at window start", String.valueOf(c.getInteger("inFlightAtWindowStart")));
    row("sent / answered 200 / accepted", fmt("%.0f/s / %.0f/s / %.0f/s", rate.getDouble("sent"), rate.getDouble("answered200"),
        rate.getDouble("accepted")));
    row("other answers (whole run)", r.getJsonObject("phones").getJsonObject("refused", new JsonObject()).encode()
        + " skipped " + r.getJsonObject("phones").getLong("skipped", 0L));
    row("tracked / bridged / persisted", fmt("%.0f/s / %.0f/s / %.0f/s", rate.getDouble("tracked"), rate.getDouble("bridged"),
        rate.getDouble("persisted")));
    row("delivered to subscribers", fmt("%.0f/s to %d subscribers", rate.getDouble("delivered"), c.getInteger("subscribers")));
    row("request -> subscriber p50/p99", fmt("%.1f / %.1f ms (p99.9 %.1f, max %.1f; %d fixes)", lat.getDouble("p50"),
        lat.getDouble("p99"), lat.getDouble("p999"), lat.getDouble("max"), lat.getLong("count")));
    JsonObject phone = r.getJsonObject("phoneLatenciesMs");
    JsonObject waited = phone.getJsonObject("connectionWait");
    JsonObject answered = phone.getJsonObject("answer");
    row("phone: wait for a connection", fmt("p50 %.1f / p99 %.1f ms (%d connections)", waited.getDouble("p50"),
        waited.getDouble("p99"), c.getInteger("connections")));
    row("phone: request -> 200", fmt("p50 %.1f / p99 %.1f / max %.1f ms", answered.getDouble("p50"), answered.getDouble("p99"),
        answered.getDouble("max")));
    row("lost / duplicated", fmt("%d / %d (seen unacknowledged %d, unanswered at end %d)", in.getLong("lost"),
        in.getLong("duplicates"), in.getLong("seenUnacknowledged"), in.getLong("unansweredAtEnd")));
    bridgeRow(in);
    row("process CPU / heap max", fmt("%.2f cores of %d (%s ms per fix accepted) / %d MB of %d MB", res.getDouble("coresUsed"),
        c.getInteger("cores"), res.getValue("cpuMsPerAcceptedFix"), res.getLong("heapUsedMaxMB"), res.getLong("heapMaxMB")));
    res.getJsonObject("coresByThreadGroup").forEach(group -> row("  " + Fields.abbreviate(group.getKey()), group.getValue() + " cores"));
    System.out.println(LINE);
    JsonObject v = r.getJsonObject("verdict");
    row("verdict", v.getBoolean("pass") ? "PASS" : "FAIL: " + v.getString("reasons"));
    System.out.println(LINE);
  }

  /** The console mode's result as a table on stdout. */
  static void printConsoleTable(JsonObject r) {
    JsonObject c = r.getJsonObject("config");
    JsonObject w = r.getJsonObject("window");
    JsonObject frames = w.getJsonObject("frames");
    JsonObject busy = w.getJsonObject("busy");
    JsonObject feed = w.getJsonObject("feed");
    System.out.println();
    System.out.println(LINE);
    row("deliveries / window", fmt("%d on the road, a position every %d ms each, %s s after %d s%s", c.getInteger("deliveries"),
        c.getInteger("intervalMs"), w.getValue("seconds"), c.getInteger("warmupS"), c.getBoolean("persistence") ? "" : ", no persistence"));
    row("machine", fmt("%s, load %s (window %s → %s)", c.getString("cpu"), c.getString("loadAverageAtStart"),
        w.getJsonObject("loadAverage").getString("windowStart"), w.getJsonObject("loadAverage").getString("windowEnd")));
    row("Chromium", c.getString("chromium") + " headless, 1280×900, no map tiles");
    if (c.getString("pinning") != null) {
      row("cores", c.getString("pinning"));
    }
    row("frames p50 / p95 / p99 / max", fmt("%s / %s / %s / %s ms (%s frames/s, %d over 50 ms)", frames.getValue("p50"),
        frames.getValue("p95"), frames.getValue("p99"), frames.getValue("max"), frames.getValue("perSecond"), frames.getLong("over50ms")));
    row("main thread busy (tasks)", fmt("%.1f %% of the window (script %.1f %%, layout %.1f %%, style %.1f %%)",
        busy.getDouble("tasks") * 100, busy.getDouble("script") * 100, busy.getDouble("layout") * 100, busy.getDouble("style") * 100));
    row("  in long tasks (> 50 ms)", fmt("%.1f %% (%d long tasks; long animation frames blocking %.1f %%)",
        busy.getDouble("longTasks") * 100, busy.getLong("longTaskCount"), busy.getDouble("loafBlocking") * 100));
    row("  renderer main thread CPU", fmt("%.1f %% of a core (all of Chromium %.2f cores)", busy.getDouble("rendererMainCpu") * 100,
        busy.getDouble("chromiumCores")));
    row("fleet feed in the page", fmt("%s states/s in %s messages/s (produced %s/s), age p50 %s p99 %s ms",
        feed.getValue("statesPerSecond"), feed.getValue("batchesPerSecond"), feed.getValue("producedPerSecond"),
        feed.getJsonObject("ageMs").getValue("p50"), feed.getJsonObject("ageMs").getValue("p99")));
    row("on the road / arrivals", fmt("%d–%d shown at the progress lines; %s started/s to replace arrivals",
        w.getJsonObject("onTheRoad").getInteger("min"), w.getJsonObject("onTheRoad").getInteger("max"), w.getValue("startedPerSecond")));
    JsonObject size = w.getJsonObject("pageSize");
    row("page", fmt("%d elements (%d active, %d recent items; map %d, %d paths, %d clusters)", size.getLong("elements"),
        size.getLong("activeItems"), size.getLong("recentItems"), size.getLong("mapElements"), size.getLong("mapPaths"),
        size.getLong("clusters")));
    row("", fmt("%d DOM nodes with garbage, JS heap %s MB, %s layouts/s", w.getLong("domNodes"), w.getValue("jsHeapUsedMB"),
        w.getValue("layoutsPerSecond")));
    row("server (this JVM)", fmt("%.2f cores, heap max %d MB", w.getJsonObject("server").getDouble("cores"),
        w.getJsonObject("server").getLong("heapUsedMaxMB")));
    System.out.println(LINE);
    System.out.println("Scripts the long animation frames spent their time in (ms per second of the window):");
    w.getJsonArray("scripts").forEach(s -> System.out.printf(Locale.ROOT, "  %8.1f  %s%n",
        ((JsonObject) s).getDouble("msPerSecond"), ((JsonObject) s).getString("script")));
    JsonObject profile = w.getJsonObject("profile");
    if (profile != null) {
      for (String kind : List.of("self", "total")) {
        System.out.println("Profile, " + kind + " time (ms per second of the window; the profiler's own cost is in every figure above):");
        profile.getJsonArray(kind).forEach(f -> System.out.printf(Locale.ROOT, "  %8.1f  %s%n",
            ((JsonObject) f).getDouble("msPerSecond"), ((JsonObject) f).getString("function")));
      }
      System.out.println("Profile for DevTools: " + profile.getString("file"));
    }
    r.getJsonArray("problems").forEach(p -> System.out.println("Problem on the page: " + p));
    System.out.println(LINE);
    JsonObject v = r.getJsonObject("verdict");
    row("verdict (busy <= 50 %, p95 <= 50)", v.getBoolean("pass") ? "PASS" : "FAIL: " + v.getString("reasons"));
    System.out.println(LINE);
  }

  /** The ramp's result: its goal, the highest N that met it, the lowest that did not, and every step's result. */
  static JsonObject rampSummary(BenchOptions opts, JsonObject jar, int best, int failed, JsonArray steps) {
    return new JsonObject()
        .put("mode", "ramp")
        .put("goal", new JsonObject().put("p99MsAtMost", opts.p99LimitMs).put("lost", 0)
            .put("producedRatioAtLeast", BenchOptions.MIN_PRODUCED_RATIO).put("durationS", opts.durationS))
        .put("jarStartup", jar)
        .put("bestVehicles", best)
        .put("firstFailingVehicles", failed == Integer.MAX_VALUE ? null : failed)
        .put("steps", steps);
  }

  /** One line per ramp step, then the highest N that met the goal. */
  static void printRampSummary(BenchOptions opts, JsonArray steps, int best) {
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
  }

  static void row(String key, String value) {
    System.out.printf(Locale.ROOT, "| %-32s | %-62s |%n", key, value);
  }

  static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /** A latency histogram in microseconds, summed up in milliseconds: count, p50, p99, p99.9 and max. */
  static JsonObject percentilesMs(Histogram micros) {
    return new JsonObject().put("count", micros.getTotalCount()).put("p50", ms(micros.getValueAtPercentile(50)))
        .put("p99", ms(micros.getValueAtPercentile(99))).put("p999", ms(micros.getValueAtPercentile(99.9)))
        .put("max", ms(micros.getMaxValue()));
  }

  static double ms(long micros) {
    return round(micros / 1000.0, 2);
  }

  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  /** A mode's result as its table on stdout and as {@code result-<timestamp>.json} (its mode named), whose path it prints. */
  static int printAndWrite(BenchOptions opts, JsonObject result, String mode, Consumer<JsonObject> table) throws IOException {
    table.accept(result);
    Path file = write(opts, result.copy().put("mode", mode));
    System.out.println("JSON: " + file.toAbsolutePath());
    return 0;
  }

  /** Writes {@code result-<timestamp>.json} into {@code --out}; returns its path. */
  static Path write(BenchOptions opts, JsonObject result) throws IOException {
    Files.createDirectories(opts.out);
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path file = opts.out.resolve("result-" + stamp + ".json");
    Files.writeString(file, result.encodePrettily() + "\n");
    return file;
  }
}
