package io.codedelivery.bench;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The devices mode's load in a JVM of its own, so that the phones' requests and the subscribers' sockets are not the
 * server's work: the {@link Phones} (registration, then fixes to the ingest port) and SockJS subscribers on the first
 * deliveries, with the {@link FixLedger} between them.
 *
 * <p>The benchmark reads its stdout: {@code READY <json>} once the devices are registered, the subscribers registered
 * and the fixes flowing, then every second {@code STATS <json>} (the subscribers' counters and latencies as
 * {@link SubscriberProcess} sends them, and the phones' counts under {@code phones}). On stdin, {@code WINDOW} marks
 * the start of the measured window and {@code END} its end: the phones stop, their last answers and positions are
 * waited for, and the process answers {@code END <json>} (lost and seen-unacknowledged fixes of the window) and exits.
 */
final class DeviceLoadProcess implements AutoCloseable {
  private static final long SETUP_TIMEOUT_S = 300;
  /** Time for the last answered fixes to reach their subscribers after the phones stop. */
  private static final long GRACE_MS = 5_000;
  private static final long ANSWERS_WAIT_MS = 15_000;

  private final CompletableFuture<JsonObject> ready = new CompletableFuture<>();
  private final CompletableFuture<JsonObject> ended = new CompletableFuture<>();
  private volatile JsonObject phones = new JsonObject();
  /** The phones' latencies (microseconds) of the fixes answered 200 since the window began (before it: the warm-up's). */
  private final Histogram connectionWait = new Histogram(3);
  private final Histogram answer = new Histogram(3);
  private ChildJvm jvm;

  /** Starts the process; returns once its fixes flow, with what it set up. */
  /** @param token the session token of the operator that registers the devices and watches their deliveries */
  static DeviceLoadProcess start(BenchOptions opts, int httpPort, int ingestPort, String token, Subscriber.Stats stats) throws Exception {
    DeviceLoadProcess load = new DeviceLoadProcess();
    JsonObject[] previous = {new JsonObject()};
    load.jvm = new ChildJvm(opts.out, "devices", DeviceLoadProcess.class, Stream.of(httpPort, ingestPort, opts.devices,
        opts.fixRate, opts.subscribers, opts.connections, rampSeconds(opts)).map(String::valueOf).toList(), token,
        line -> load.read(line, stats, previous), exited -> {
          load.ready.completeExceptionally(exited);
          load.ended.completeExceptionally(exited);
        });
    try {
      load.ready.get(SETUP_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      load.close();
      throw new IllegalStateException("the devices' process did not get going (see " + ChildJvm.log(opts.out, "devices") + ")", e);
    }
    return load;
  }

  /** Its WARN logs share stdout with these lines. */
  private void read(String line, Subscriber.Stats stats, JsonObject[] previous) {
    if (line.startsWith("READY ")) {
      ready.complete(new JsonObject(line.substring("READY ".length())));
    } else if (line.startsWith("STATS ")) {
      JsonObject report = new JsonObject(line.substring("STATS ".length()));
      try {
        stats.add(report, previous[0]);
      } catch (DataFormatException e) {
        throw new IllegalStateException("unreadable latencies from the devices' process", e);
      }
      previous[0] = report;
      phones = report.getJsonObject("phones");
      addPhoneLatencies(report.getJsonObject("phoneLatencies"));
    } else if (line.startsWith("END ")) {
      ended.complete(new JsonObject(line.substring("END ".length())));
    }
  }

  private void addPhoneLatencies(JsonObject latencies) {
    try {
      Histogram waited = HistogramText.decode(latencies.getString("connectionWait"));
      Histogram answered = HistogramText.decode(latencies.getString("answer"));
      synchronized (this) {
        connectionWait.add(waited);
        answer.add(answered);
      }
    } catch (DataFormatException e) {
      throw new IllegalStateException("unreadable latencies from the devices' process", e);
    }
  }

  /**
   * What the phones waited, in milliseconds, for the fixes answered 200 since the window began: for a connection (their
   * own queue) and, once on one, for the answer.
   */
  synchronized JsonObject phoneLatencies() {
    return new JsonObject().put("connectionWait", Report.percentilesMs(connectionWait)).put("answer", Report.percentilesMs(answer));
  }

  /** The phones' counts as last reported (sent, accepted, refused by status, skipped, in flight). */
  JsonObject phones() {
    return phones;
  }

  void windowStarts() {
    synchronized (this) {
      connectionWait.reset();
      answer.reset();
    }
    jvm.command("WINDOW");
  }

  /** Ends the load: the lost and seen-unacknowledged fixes of the window, and the phones' final counts. */
  JsonObject end() throws Exception {
    return jvm.end(ended);
  }

  @Override
  public void close() throws Exception {
    jvm.close(ended.isDone());
  }

  /** How long the offered rate takes to rise to its full value: the first half of the warm-up. */
  static int rampSeconds(BenchOptions opts) {
    return opts.warmupS / 2;
  }

  /**
   * The process itself: {@code <http port> <ingest port> <devices> <fixes/s> <subscribers> <connections> <ramp
   * seconds>}.
   */
  public static void main(String[] args) throws Exception {
    int httpPort = Integer.parseInt(args[0]);
    int ingestPort = Integer.parseInt(args[1]);
    int devices = Integer.parseInt(args[2]);
    int fixRate = Integer.parseInt(args[3]);
    int subscribers = Integer.parseInt(args[4]);
    int connections = Integer.parseInt(args[5]);
    int rampSeconds = Integer.parseInt(args[6]);
    PrintWriter out = ChildJvm.linesToBenchmark();

    Subscriber.Stats stats = new Subscriber.Stats();
    FixLedger ledger = new FixLedger();
    Watchlist watchlist = new Watchlist();
    String token = ChildJvm.token();
    SubscriberPool pool = new SubscriberPool(subscribers, httpPort, token, watchlist, stats, ledger);
    Phones phones = new Phones(pool.vertx(), httpPort, token, ingestPort, devices, connections);
    List<String> deliveries = phones.register().toCompletionStage().toCompletableFuture().get(SETUP_TIMEOUT_S, TimeUnit.SECONDS);
    Set<String> watched = new HashSet<>(deliveries.subList(0, subscribers));
    watched.forEach(id -> watchlist.started(new Watchlist.Delivery(id, null, -1)));
    pool.assignNow();
    phones.start(fixRate, rampSeconds, 2, watched, ledger);
    out.println("READY " + new JsonObject().put("devices", devices).put("watched", watched.size()).encode());
    pool.vertx().setPeriodic(1_000, id -> out.println(statsLine(stats, phones)));

    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    long windowStartMs = Long.MAX_VALUE;
    String command;
    while ((command = in.readLine()) != null) {
      if (command.equals("WINDOW")) {
        windowStartMs = System.currentTimeMillis();
      } else if (command.equals("END")) {
        long windowEndMs = System.currentTimeMillis();
        phones.stop(ANSWERS_WAIT_MS).toCompletionStage().toCompletableFuture().get(ANSWERS_WAIT_MS + 5_000, TimeUnit.MILLISECONDS);
        int unanswered = phones.inFlight.get();
        ledger.loadStopped();
        Thread.sleep(GRACE_MS);
        out.println(statsLine(stats, phones));
        out.println("END " + new JsonObject().put("lost", ledger.lost(windowStartMs, windowEndMs))
            .put("seenUnacknowledged", ledger.seenUnacknowledged(windowStartMs, windowEndMs))
            .put("unansweredAtEnd", unanswered).encode());
        break;
      }
    }
    pool.close();
    System.exit(0);
  }

  private static String statsLine(Subscriber.Stats stats, Phones phones) {
    return "STATS " + stats.report().put("phones", phones.counters()).put("phoneLatencies", phones.latencies()).encode();
  }
}
