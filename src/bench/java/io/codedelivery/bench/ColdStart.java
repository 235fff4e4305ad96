package io.codedelivery.bench;

import io.codedelivery.config.Setting;
import io.codedelivery.model.Addresses;
import io.codedelivery.support.SockJsClient;
import io.codedelivery.support.TestStack;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What the first users of a new instance see ({@code --cold-start}): the packaged jar, started fresh on its embedded
 * defaults in a process of its own; as soon as {@code /health/ready} answers 200, N browsers at once each start a
 * delivery through the REST API (signed in) and follow it over SockJS. Per delivery it measures the start request →
 * its first position received, and each position's latency (its timestamp → received), split into the round's first
 * 10 s and the rest. The same round again on the same process a minute later shows what a warm instance does. The
 * browsers' own JVM is warmed first against a throwaway instance, so that the server is the only cold party.
 */
final class ColdStart {
  private static final Path JAR = Path.of("target/code-delivery.jar");
  private static final int CLIENT_WARM_UP_S = 15;
  private static final long EARLY_WINDOW_MICROS = TimeUnit.SECONDS.toMicros(10);
  private static final long PAUSE_BETWEEN_ROUNDS_MS = 60_000;
  /** The bridge closes a socket that sends nothing for 10 s; browsers ping every 5 s. */
  private static final long PING_MS = 5_000;

  private ColdStart() {
  }

  static int run(BenchOptions opts) throws Exception {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException("no " + JAR + ": package it first (mvn -B package -DskipTests)");
    }
    System.out.printf(Locale.ROOT, "CPU: %s × %d; load average %s%n", cpuModel(), Runtime.getRuntime().availableProcessors(), loadAverage());
    Map<Setting, String> levers = jarSettings(opts.jarSettings);
    List<String> leverOptions = opts.jarJvm.isBlank() ? List.of() : Arrays.asList(opts.jarJvm.split(",(?=-)"));
    // As the README's command starts it, unless the comparison asks for the jar without its class-data archive.
    List<String> jvmOptions = opts.noClassArchive ? leverOptions : JarStartup.withClassArchive(JAR, leverOptions);
    Vertx vertx = Vertx.vertx();
    List<AutoCloseable> running = new ArrayList<>();
    try {
      Map<Setting, String> infrastructure = new EnumMap<>(Setting.class);
      if (opts.scaleOut) {
        ChildProcess broker = ChildProcess.start(opts.out, "broker", List.of("-Xmx1g"), BrokerProcess.class, List.of(), "", 120);
        // Told to end (it closes the broker and store itself) rather than killed, once the instances on it are stopped.
        running.add(0, () -> {
          broker.end();
          broker.close();
        });
        infrastructure.put(Setting.KAFKA_BOOTSTRAP_SERVERS, broker.ready().getString("kafka"));
        infrastructure.put(Setting.MONGO_URI, broker.ready().getString("mongo"));
        System.out.printf(Locale.ROOT, "Broker and store (own JVM) at %s, %s%n", infrastructure.get(Setting.KAFKA_BOOTSTRAP_SERVERS),
            infrastructure.get(Setting.MONGO_URI));
        Instance existing = Instance.start(vertx, "existing", infrastructure, Map.of(), List.of(), opts);
        running.add(0, existing);
        new Round(vertx, existing, opts).run("existing instance (warms the broker and store, then keeps its deliveries)");
      }
      if (!opts.coldClient && !opts.scaleOut) {
        // Browsers are not a JVM started a moment ago, and this one's JIT would otherwise be measured with the
        // server's (half of the cold round's p99 in the first 10 s): a round against a throwaway instance warms it alone.
        // Started as the README's command starts it: the levers under test (a JFR recording, say) are the new one's.
        try (Instance throwaway = Instance.start(vertx, "client-warm-up", Map.of(), Map.of(),
            JarStartup.withClassArchive(JAR, List.of()), opts)) {
          new Round(vertx, throwaway, opts, opts.subscribers, CLIENT_WARM_UP_S).run("client warm-up (a throwaway instance, unmeasured)");
        }
      }
      Instance fresh = Instance.start(vertx, "new", infrastructure, levers, jvmOptions, opts);
      running.add(0, fresh);
      if (opts.preRoundS > 0) {
        int browsers = Math.max(1, opts.subscribers / 5);
        new Round(vertx, fresh, opts, browsers, opts.preRoundS).run(String.format(Locale.ROOT,
            "pre-round (%d browsers for %d s: what that much real traffic before the users warms)", browsers, opts.preRoundS));
      }
      JsonObject cold = new Round(vertx, fresh, opts).run("cold (first users of the ready instance)");
      System.out.printf(Locale.ROOT, "Waiting %d s on the same process…%n", PAUSE_BETWEEN_ROUNDS_MS / 1_000);
      Thread.sleep(PAUSE_BETWEEN_ROUNDS_MS);
      JsonObject warm = new Round(vertx, fresh, opts).run("warm (same load, a minute later)");
      JsonObject result = new JsonObject().put("mode", "cold-start").put("cpu", cpuModel()).put("jvmOptions", jvmOptions)
          .put("jarSettings", opts.jarSettings).put("scaleOut", opts.scaleOut)
          .put("readyMs", fresh.readyMs()).put("clients", opts.subscribers).put("intervalMs", opts.intervalMs)
          .put("cold", cold).put("warm", warm);
      System.out.println("JSON: " + Report.write(opts, result).toAbsolutePath());
      return 0;
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
      for (AutoCloseable process : running) {
        process.close();
      }
    }
  }

  /** The packaged jar in a process of its own, ready, with the admin signed in and the route catalogue read. */
  private record Instance(Process process, Path dataDir, int port, String token, List<String> routeIds, long readyMs)
      implements AutoCloseable {

    /**
     * Started on its own ports and data directory, on the given infrastructure (none: its embedded defaults), as
     * instance {@code name} (the bridge's consumer group is the instance's own).
     */
    static Instance start(Vertx vertx, String name, Map<Setting, String> infrastructure, Map<Setting, String> levers, List<String> jvmOptions,
                          BenchOptions opts) throws Exception {
      var settings = TestStack.isolatedSettings("code-delivery-bench-" + name);
      settings.put(Setting.SIMULATION_INTERVAL_MS, String.valueOf(opts.intervalMs));
      settings.put(Setting.INSTANCE_ID, name);
      settings.putAll(infrastructure);
      settings.putAll(levers);
      Path dataDir = Path.of(settings.get(Setting.DATA_DIR));
      File log = opts.out.resolve("cold-start-" + name + ".log").toFile();
      long t0 = System.nanoTime();
      Process process = JarStartup.launch(JAR, settings, jvmOptions, opts.out, log);
      try {
        // A shared machine may take minutes: this measures what comes after ready, not how soon it comes.
        PipelineBenchmark.awaitReady(JarStartup.readyUrl(settings), Duration.ofMinutes(5));
        long readyMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf(Locale.ROOT, "Instance '%s': java %s -jar %s (settings %s) ready after %d ms (log %s)%n", name,
            String.join(" ", jvmOptions), JAR, levers, readyMs, log);
        int port = Integer.parseInt(settings.get(Setting.HTTP_PORT));
        String token = TestStack.signInAt("http://localhost:" + port, "admin", TestStack.ADMIN_PASSWORD);
        List<String> routeIds = new ArrayList<>();
        HttpClient http = vertx.createHttpClient();
        for (Object route : new JsonArray(call(http, port, HttpMethod.GET, "/api/routes", token, null)
            .compose(HttpClientResponse::body).await(10, TimeUnit.SECONDS))) {
          routeIds.add(((JsonObject) route).getString("id"));
        }
        http.close();
        return new Instance(process, dataDir, port, token, List.copyOf(routeIds), readyMs);
      } catch (Exception e) {
        JarStartup.stop(process, dataDir);
        throw e;
      }
    }

    @Override
    public void close() throws InterruptedException {
      JarStartup.stop(process, dataDir);
    }
  }

  private static Map<Setting, String> jarSettings(String keyValues) {
    Map<Setting, String> settings = new EnumMap<>(Setting.class);
    for (String pair : keyValues.split(",")) {
      if (!pair.isBlank()) {
        if (pair.indexOf('=') < 0) {
          throw new IllegalArgumentException("--jar-settings takes key=value pairs, not '" + pair + "'");
        }
        String key = pair.substring(0, pair.indexOf('=')).trim();
        Setting setting = Arrays.stream(Setting.values()).filter(s -> s.key().equals(key)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("--jar-settings: no setting '" + key + "'"));
        settings.put(setting, pair.substring(pair.indexOf('=') + 1).trim());
      }
    }
    return settings;
  }

  private static Future<HttpClientResponse> call(HttpClient http, int port, HttpMethod method, String uri, String token, JsonObject body) {
    RequestOptions request = new RequestOptions().setMethod(method).setHost("localhost").setPort(port).setURI(uri)
        .putHeader("authorization", "Bearer " + token).putHeader("content-type", "application/json");
    return http.request(request).compose(r -> body == null ? r.send() : r.send(body.toBuffer()));
  }

  /** N browsers at once, each starting one delivery and following it for --duration seconds. */
  private static final class Round {
    private final Vertx vertx;
    private final int port;
    private final String token;
    private final List<String> routeIds;
    private final BenchOptions opts;
    private final HttpClient http;
    private final WebSocketClient sockets;
    private final Histogram startToFirst = new ConcurrentHistogram(3);
    /** The steps of start → first position: the start answered (202), and the session opened and registered. */
    private final Histogram startAnswered = new ConcurrentHistogram(3);
    private final Histogram startToRegistered = new ConcurrentHistogram(3);
    private final Histogram earlyLatency = new ConcurrentHistogram(3);
    private final Histogram laterLatency = new ConcurrentHistogram(3);
    /** Position latency by second of the round, to tell a burst at the start from a slow first ten seconds. */
    private final Histogram[] latencyBySecond;
    private final LongAdder failures = new LongAdder();
    private volatile String lastFailure = "";
    private long roundStartMicros;
    private final int subscribers;
    private final int durationS;

    Round(Vertx vertx, Instance instance, BenchOptions opts) {
      this(vertx, instance, opts, opts.subscribers, opts.durationS);
    }

    Round(Vertx vertx, Instance instance, BenchOptions opts, int subscribers, int durationS) {
      this.vertx = vertx;
      this.subscribers = subscribers;
      this.durationS = durationS;
      this.port = instance.port();
      this.token = instance.token();
      this.routeIds = instance.routeIds();
      this.latencyBySecond = new Histogram[Math.max(1, durationS)];
      Arrays.setAll(latencyBySecond, second -> new ConcurrentHistogram(3));
      this.opts = opts;
      // A connection each, as separate browsers have: a shared pool would queue the starts behind each other.
      this.http = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(subscribers));
      this.sockets = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(subscribers + 16));
    }

    JsonObject run(String name) throws Exception {
      String load = loadAverage();
      roundStartMicros = nowMicros();
      List<WebSocket> open = new ArrayList<>();
      List<Future<?>> started = new ArrayList<>();
      for (int i = 0; i < subscribers; i++) {
        started.add(browser(routeIds.get(i % routeIds.size())).onSuccess(open::add));
      }
      Future.join(started).otherwiseEmpty().await(durationS + 30L, TimeUnit.SECONDS);
      long leftMs = durationS * 1_000L - (nowMicros() - roundStartMicros) / 1_000;
      if (leftMs > 0) {
        Thread.sleep(leftMs);
      }
      synchronized (open) {
        open.forEach(WebSocket::close);
      }
      http.close();
      sockets.close();
      JsonObject result = new JsonObject().put("loadAverageBefore", load).put("loadAverageAfter", loadAverage())
          .put("failures", failures.sum())
          .put("startToFirstPositionMs", percentiles(startToFirst))
          .put("startAnsweredMs", percentiles(startAnswered))
          .put("startToRegisteredMs", percentiles(startToRegistered))
          .put("positionLatencyFirst10sMs", percentiles(earlyLatency))
          .put("positionLatencyLaterMs", percentiles(laterLatency))
          .put("positionLatencyP99BySecondMs", new JsonArray(Arrays.stream(latencyBySecond).map(ColdStart::p99Ms).toList()));
      System.out.printf(Locale.ROOT, "%n%s — load average %s before, %s after; %d failures%s%n", name, load,
          result.getString("loadAverageAfter"), failures.sum(), failures.sum() == 0 ? "" : " (last: " + lastFailure + ")");
      print("start → first position", startToFirst);
      print("  of which start answered (202)", startAnswered);
      print("  and session open, registering", startToRegistered);
      print("position latency, first 10 s", earlyLatency);
      print("position latency, later", laterLatency);
      System.out.printf(Locale.ROOT, "  %-30s %s%n", "p99 by second of the round", Arrays.stream(latencyBySecond)
          .map(h -> String.format(Locale.ROOT, "%.0f", p99Ms(h))).collect(Collectors.joining(" ")));
      return result;
    }

    /** One browser: POSTs the start while its SockJS session opens, registers to the delivery, counts what comes. */
    private Future<WebSocket> browser(String routeId) {
      long startMicros = nowMicros();
      Future<String> deliveryId = call(http, port, HttpMethod.POST, "/api/deliveries", token, new JsonObject().put("routeId", routeId))
          .compose(response -> response.body().compose(body -> response.statusCode() == 202
              ? Future.succeededFuture(new JsonObject(body).getString("deliveryId"))
              : Future.failedFuture("start answered " + response.statusCode() + ": " + body)))
          .onSuccess(id -> startAnswered.recordValue(nowMicros() - startMicros));
      Future<WebSocket> socket = SockJsClient.open(sockets, port);
      return Future.all(deliveryId, socket).map(both -> {
        WebSocket ws = socket.result();
        startToRegistered.recordValue(nowMicros() - startMicros);
        boolean[] first = {true};
        ws.textMessageHandler(frame -> {
          if (!frame.startsWith("a[")) {
            return;
          }
          long now = nowMicros();
          for (Object text : new JsonArray(frame.substring(1))) {
            JsonObject message = new JsonObject((String) text);
            if ("err".equals(message.getString("type"))) {
              fail(message.encode());
            } else if (message.getJsonObject("body") != null && message.getJsonObject("body").containsKey("timestamp")) {
              if (first[0]) {
                first[0] = false;
                startToFirst.recordValue(now - startMicros);
              }
              Instant ts = Instant.parse(message.getJsonObject("body").getString("timestamp"));
              long latency = Math.max(0, now - (ts.getEpochSecond() * 1_000_000L + ts.getNano() / 1_000));
              (now - roundStartMicros < EARLY_WINDOW_MICROS ? earlyLatency : laterLatency).recordValue(latency);
              int second = (int) ((now - roundStartMicros) / 1_000_000);
              if (second < latencyBySecond.length) {
                latencyBySecond[second].recordValue(latency);
              }
            }
          }
        });
        long ping = vertx.setPeriodic(PING_MS, id -> ws.writeTextMessage(Subscriber.PING));
        ws.closeHandler(v -> vertx.cancelTimer(ping));
        ws.writeTextMessage(SockJsClient.frame(SockJsClient.authorized(
            new JsonObject().put("type", "register").put("address", Addresses.delivery(deliveryId.result())), token)));
        return ws;
      }).onFailure(e -> fail(e.toString()));
    }

    private void fail(String why) {
      failures.increment();
      lastFailure = why;
    }
  }

  private static JsonObject percentiles(Histogram h) {
    return new JsonObject().put("count", h.getTotalCount()).put("p50", h.getValueAtPercentile(50) / 1_000.0)
        .put("p99", h.getValueAtPercentile(99) / 1_000.0).put("max", h.getMaxValue() / 1_000.0);
  }

  private static double p99Ms(Histogram h) {
    return h.getValueAtPercentile(99) / 1_000.0;
  }

  private static void print(String what, Histogram h) {
    System.out.printf(Locale.ROOT, "  %-30s n=%6d  p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms%n", what, h.getTotalCount(),
        h.getValueAtPercentile(50) / 1_000.0, h.getValueAtPercentile(99) / 1_000.0, h.getMaxValue() / 1_000.0);
  }

  private static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (Exception e) {
      return "unknown";
    }
  }

  static String cpuModel() {
    try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
    } catch (Exception e) {
      return System.getProperty("os.arch");
    }
  }
}
