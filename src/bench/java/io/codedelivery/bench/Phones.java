package io.codedelivery.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * The devices mode's phones: N devices registered over the REST API, each assigned a delivery whose destination is
 * far away (none arrives during a run), then OsmAnd fixes posted to the ingest port at a fixed total rate, open loop
 * (a phone does not wait for the server before its next fix), over a bounded pool of keep-alive connections.
 *
 * <p>A fix's time is the instant its request begins, in epoch milliseconds, one more than the device's previous fix
 * when the clock has not moved on: the tracking stage makes it the position's seq, so a subscriber in this process
 * (same clock) reads the latency from the phone's request to its own receipt off the seq alone.
 */
final class Phones {
  /** A phone and its delivery; its position and last fix time are touched only on its sending context. */
  private static final class Phone {
    final String deviceId;
    String deliveryId;
    double lat;
    final double lon;
    long lastFixMs;

    Phone(String deviceId, double lat, double lon) {
      this.deviceId = deviceId;
      this.lat = lat;
      this.lon = lon;
    }
  }

  /** Thousands of kilometres from every phone: no delivery arrives (and ends) during a run. */
  private static final JsonObject FAR_DESTINATION = new JsonObject().put("lat", 10.0).put("lon", 10.0);
  private static final int SETUP_REQUESTS_IN_FLIGHT = 32;
  private static final long TICK_MS = 5;
  private static final long ANSWER_TIMEOUT_MS = 30_000;

  private final Vertx vertx;
  private final HttpClient client;
  private final int httpPort;
  /** The operator's session token for registering devices and assigning them deliveries (phones post fixes without). */
  private final String token;
  private final int ingestPort;
  private final List<Phone> phones = new ArrayList<>();
  private final List<Long> timers = new CopyOnWriteArrayList<>();
  final LongAdder sent = new LongAdder();
  final LongAdder accepted = new LongAdder();
  /** Fixes the generator fell more than a second behind on and never sent (its CPU, not the server, was short). */
  final LongAdder skipped = new LongAdder();
  final AtomicInteger inFlight = new AtomicInteger();
  private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
  /**
   * From a fix's moment to its request's turn on a connection: the phones' own queue. It grows when every connection
   * waits for an answer, so the open-loop rate outruns what the connections can carry at the server's answer time.
   */
  private final Recorder connectionWaitMicros = new Recorder(3);
  /** From a request's turn on a connection to its 200: what the ingest port takes to answer (Kafka acknowledged). */
  private final Recorder answerMicros = new Recorder(3);

  Phones(Vertx vertx, int httpPort, String token, int ingestPort, int count, int connections) {
    this.vertx = vertx;
    this.httpPort = httpPort;
    this.token = token;
    this.ingestPort = ingestPort;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost("localhost"),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(1_000_000));
    for (int i = 0; i < count; i++) {
      // Spread over a few kilometres of São Paulo, each driving north.
      phones.add(new Phone("bench-phone-" + i, -23.60 + (i % 100) * 0.001, -46.70 + (i / 100 % 100) * 0.001));
    }
  }

  /** Registers every device and assigns each a delivery; the delivery ids, in the phones' order. */
  Future<List<String>> register() {
    List<Future<Void>> workers = new ArrayList<>();
    AtomicInteger next = new AtomicInteger();
    for (int w = 0; w < SETUP_REQUESTS_IN_FLIGHT; w++) {
      workers.add(registerNext(next));
    }
    return Future.all(workers).map(v -> phones.stream().map(p -> p.deliveryId).toList());
  }

  private Future<Void> registerNext(AtomicInteger next) {
    int i = next.getAndIncrement();
    if (i >= phones.size()) {
      return Future.succeededFuture();
    }
    Phone phone = phones.get(i);
    return api("/api/devices", new JsonObject().put("uniqueId", phone.deviceId).put("name", "Bench " + i), 201)
        .compose(created -> api("/api/deliveries", new JsonObject().put("deviceId", phone.deviceId)
            .put("destination", FAR_DESTINATION).put("reference", "bench-" + i), 202))
        .compose(assigned -> {
          phone.deliveryId = assigned.getString("deliveryId");
          return registerNext(next);
        });
  }

  private Future<JsonObject> api(String path, JsonObject body, int expected) {
    return client.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(httpPort).setURI(path)
            .putHeader("content-type", "application/json").putHeader("authorization", "Bearer " + token))
        .compose(request -> request.send(body.toBuffer()))
        .compose(response -> response.body().compose(answer -> response.statusCode() == expected
            ? Future.succeededFuture(new JsonObject(answer))
            : Future.failedFuture("POST " + path + " answered " + response.statusCode() + ": " + answer)));
  }

  /**
   * Starts posting {@code fixesPerSecond} fixes, round-robin over the phones, from {@code contexts} event loops (each
   * its share of the phones); the fixes of watched deliveries answered 200 go to the ledger. The rate rises from 0
   * over the first {@code rampSeconds}: a server just started compiles its hot paths meanwhile, where the full rate at
   * once would leave it a backlog the measured window inherits.
   */
  void start(int fixesPerSecond, int rampSeconds, int contexts, Set<String> watched, FixLedger ledger) {
    double rampNanos = rampSeconds * 1e9;
    for (int c = 0; c < contexts; c++) {
      List<Phone> share = new ArrayList<>();
      for (int i = c; i < phones.size(); i += contexts) {
        share.add(phones.get(i));
      }
      double rate = fixesPerSecond * (double) share.size() / phones.size();
      Context context = ((VertxInternal) vertx).createEventLoopContext();
      context.runOnContext(v -> {
        long begin = System.nanoTime();
        long[] due = {0};
        int[] cursor = {0};
        timers.add(vertx.setPeriodic(TICK_MS, id -> {
          long target = (long) (rate * rampedSeconds(System.nanoTime() - begin, rampNanos));
          if (target - due[0] > rate) {
            skipped.add(target - due[0] - (long) rate);
            due[0] = target - (long) rate;
          }
          for (; due[0] < target; due[0]++) {
            send(share.get(cursor[0]), watched, ledger);
            cursor[0] = (cursor[0] + 1) % share.size();
          }
        }));
      });
    }
  }

  /** Seconds at the full rate that a linear ramp of this length amounts to after {@code elapsedNanos}. */
  static double rampedSeconds(long elapsedNanos, double rampNanos) {
    return elapsedNanos >= rampNanos ? (elapsedNanos - rampNanos / 2) / 1e9 : elapsedNanos * (elapsedNanos / rampNanos) / 2 / 1e9;
  }

  private void send(Phone phone, Set<String> watched, FixLedger ledger) {
    long fixTime = Math.max(System.currentTimeMillis(), phone.lastFixMs + 1);
    phone.lastFixMs = fixTime;
    phone.lat += 0.00001;
    String uri = new StringBuilder(120).append("/?id=").append(phone.deviceId).append("&timestamp=").append(fixTime)
        .append("&lat=").append(phone.lat).append("&lon=").append(phone.lon)
        .append("&speed=25&bearing=0&accuracy=5&batt=80").toString();
    sent.increment();
    inFlight.incrementAndGet();
    long due = System.nanoTime();
    long[] onConnection = {due};
    client.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(ingestPort).setURI(uri)
            .setIdleTimeout(ANSWER_TIMEOUT_MS))
        .compose(request -> {
          onConnection[0] = System.nanoTime();
          return request.send(Buffer.buffer());
        })
        .compose(response -> response.body().map(body -> response.statusCode()))
        .onComplete(answer -> {
          inFlight.decrementAndGet();
          if (answer.succeeded() && answer.result() == 200) {
            connectionWaitMicros.recordValue((onConnection[0] - due) / 1_000);
            answerMicros.recordValue((System.nanoTime() - onConnection[0]) / 1_000);
            accepted.increment();
            if (watched.contains(phone.deliveryId)) {
              ledger.acknowledged(phone.deliveryId, fixTime);
            }
          } else {
            String reason = answer.succeeded() ? String.valueOf(answer.result()) : answer.cause().getClass().getSimpleName();
            refused.computeIfAbsent(reason, r -> new LongAdder()).increment();
          }
        });
  }

  /** Stops posting; completes once every fix sent was answered (or after {@code waitMs}). */
  Future<Void> stop(long waitMs) {
    timers.forEach(vertx::cancelTimer);
    Promise<Void> drained = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
    vertx.setPeriodic(50, id -> {
      if (inFlight.get() == 0 || System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        drained.tryComplete();
      }
    });
    return drained.future();
  }

  /** Counts so far: sent, answered 200, other answers by status (or the client's exception), skipped, in flight. */
  JsonObject counters() {
    JsonObject others = new JsonObject();
    refused.forEach((reason, count) -> others.put(reason, count.sum()));
    return new JsonObject().put("sent", sent.sum()).put("accepted", accepted.sum()).put("refused", others)
        .put("skipped", skipped.sum()).put("inFlight", inFlight.get());
  }

  /** The latencies of the fixes answered 200 since the last call, as {@link HistogramText}. */
  JsonObject latencies() {
    return new JsonObject().put("connectionWait", HistogramText.encode(connectionWaitMicros.getIntervalHistogram()))
        .put("answer", HistogramText.encode(answerMicros.getIntervalHistogram()));
  }
}
