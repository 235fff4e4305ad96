package io.codedelivery.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.codedelivery.model.Addresses;
import io.codedelivery.support.SockJsClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One browser-like listener: a real SockJS session over WebSocket speaking the event-bus bridge protocol, registered
 * to one delivery's {@code delivery.<id>} address at a time. It only counts: per delivery, the seqs it receives
 * must follow each other without gap or repeat from the first one it sees to the finishing one; when its delivery
 * finishes it unregisters and registers to another. All its state lives on its own event-loop context.
 */
final class Subscriber {
  /** Counters shared by every subscriber of a run. */
  static final class Stats {
    final LongAdder delivered = new LongAdder();
    final LongAdder gaps = new LongAdder();
    final LongAdder lostInGaps = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder closedByServer = new LongAdder();
    final LongAdder reassignments = new LongAdder();
    final LongAdder completeStreams = new LongAdder();
    /** End-to-end latency in microseconds, from the position's timestamp to its receipt here. */
    final Recorder latencyMicros = new Recorder(3);
    /** Latencies a subscriber process reported, waiting for the next interval. */
    private final Histogram reported = new Histogram(3);

    private Map<String, LongAdder> counters() {
      return Map.of("delivered", delivered, "gaps", gaps, "lostInGaps", lostInGaps, "duplicates", duplicates,
          "errors", errors, "closedByServer", closedByServer, "reassignments", reassignments,
          "completeStreams", completeStreams);
    }

    /** Latencies recorded since the last call, here and in subscriber processes. */
    Histogram takeInterval() {
      Histogram interval = latencyMicros.getIntervalHistogram();
      synchronized (reported) {
        interval.add(reported);
        reported.reset();
      }
      return interval;
    }

    /** What a subscriber process sends: its counters so far and the latencies of the last interval. */
    JsonObject report() {
      JsonObject totals = new JsonObject();
      counters().forEach((name, counter) -> totals.put(name, counter.sum()));
      return new JsonObject().put("counters", totals).put("latency", HistogramText.encode(latencyMicros.getIntervalHistogram()));
    }

    /** Adds a subscriber process's report; {@code previous} is its report before (empty at first). */
    void add(JsonObject report, JsonObject previous) throws DataFormatException {
      JsonObject now = report.getJsonObject("counters");
      JsonObject before = previous.getJsonObject("counters", new JsonObject());
      counters().forEach((name, counter) -> counter.add(now.getLong(name, 0L) - before.getLong(name, 0L)));
      Histogram latency = HistogramText.decode(report.getString("latency"));
      synchronized (reported) {
        reported.add(latency);
      }
    }
  }

  /** What this subscriber saw of one delivery. */
  static final class Stream {
    long first;
    long last;
    long received;
    boolean finished;
  }

  /** A delivery still unfinished this long after the bridge announced its end is given up (and its tail counted lost). */
  static final long FINISH_GRACE_MS = 5_000;
  static final String PING = SockJsClient.frame(new JsonObject().put("type", "ping"));
  private static final JsonFactory JSON = new JsonFactory();

  private final Context context;
  private final Watchlist watchlist;
  private final Stats stats;
  /** Devices mode: seqs are fix times, accounted per fix time there; null for simulated deliveries. */
  private final FixLedger fixes;
  /** The operator's session token each registration carries: the bridge lets only operators watch deliveries. */
  private final String token;
  private WebSocket socket;
  private Watchlist.Delivery current;
  private final Map<String, Stream> streams = new HashMap<>();
  private boolean closed;

  Subscriber(Context context, String token, Watchlist watchlist, Stats stats, FixLedger fixes) {
    this.context = context;
    this.token = token;
    this.watchlist = watchlist;
    this.stats = stats;
    this.fixes = fixes;
  }

  /** Opens the SockJS WebSocket session (on this subscriber's context). */
  Future<Void> connect(WebSocketClient client, int port) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      SockJsClient.open(client, port).onComplete(ar -> {
        if (ar.failed()) {
          done.fail(ar.cause());
          return;
        }
        socket = ar.result();
        socket.textMessageHandler(this::onFrame);
        socket.closeHandler(x -> {
          if (!closed) {
            stats.closedByServer.increment();
          }
          closed = true;
        });
        socket.exceptionHandler(e -> { });
        // The bridge closes a connection that has not pinged within 10 s of opening: the first ping goes at once.
        socket.writeTextMessage(PING);
        done.complete();
      });
    });
    return done.future();
  }

  /**
   * Reads a SockJS frame from the server ("o" open, "h" heartbeat and "c[…]" close carry no message; the close
   * handler counts the last one) with Jackson's streaming parser: ten thousand subscribers building a map per
   * message made this load generator take CPU the server needed on a two-core machine.
   */
  private void onFrame(String frame) {
    if (!frame.startsWith("a[")) {
      return;
    }
    Instant now = Instant.now();
    long nowMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    List<String> messages = new ArrayList<>(1);
    try {
      // Each message is parsed once this parser is closed: Jackson recycles one token buffer per thread, and a
      // parser opened inside another allocates a fresh 8 KB buffer (60 % of this process's allocation).
      try (JsonParser frameParser = JSON.createParser(frame.substring(1))) {
        frameParser.nextToken();
        while (frameParser.nextToken() == JsonToken.VALUE_STRING) {
          messages.add(frameParser.getText());
        }
      }
      for (String message : messages) {
        onMessage(message, nowMicros);
      }
    } catch (IOException e) {
      stats.errors.increment();
    }
  }

  /** One bridge message: a position received ("rec") or an error ("err"); nothing else is sent to it. */
  private void onMessage(String message, long nowMicros) throws IOException {
    String type = null;
    String deliveryId = null;
    long seq = -1;
    String timestamp = null;
    boolean finished = false;
    try (JsonParser fields = JSON.createParser(message)) {
      fields.nextToken();
      while (fields.nextToken() == JsonToken.FIELD_NAME) {
        String field = fields.currentName();
        JsonToken value = fields.nextToken();
        if (field.equals("type")) {
          type = fields.getText();
        } else if (field.equals("body") && value == JsonToken.START_OBJECT) {
          while (fields.nextToken() == JsonToken.FIELD_NAME) {
            String name = fields.currentName();
            fields.nextToken();
            switch (name) {
              case "deliveryId" -> deliveryId = fields.getText();
              case "seq" -> seq = fields.getLongValue();
              case "timestamp" -> timestamp = fields.getText();
              case "finished" -> finished = fields.getBooleanValue();
              default -> fields.skipChildren();
            }
          }
        } else {
          fields.skipChildren();
        }
      }
    }
    if ("rec".equals(type) && deliveryId != null && timestamp != null) {
      onPosition(deliveryId, seq, Instant.parse(timestamp), finished, nowMicros);
    } else if ("err".equals(type)) {
      stats.errors.increment();
    }
  }

  private void onPosition(String deliveryId, long seq, Instant ts, boolean finished, long nowMicros) {
    if (fixes != null) {
      onFix(deliveryId, seq, nowMicros);
      return;
    }
    stats.delivered.increment();
    long latency = nowMicros - (ts.getEpochSecond() * 1_000_000L + ts.getNano() / 1_000);
    stats.latencyMicros.recordValue(Math.max(0, latency));
    Stream stream = streams.get(deliveryId);
    if (stream == null) {
      stream = new Stream();
      stream.first = seq;
      stream.last = seq;
      streams.put(deliveryId, stream);
    } else if (seq == stream.last + 1) {
      stream.last = seq;
    } else if (seq <= stream.last) {
      stats.duplicates.increment(); // Kafka keeps one delivery's records in order: an old seq is a repeat
    } else {
      stats.gaps.increment();
      stats.lostInGaps.add(seq - stream.last - 1);
      stream.last = seq;
    }
    stream.received++;
    if (finished && !stream.finished) {
      stream.finished = true;
      stats.completeStreams.increment();
      if (current != null && current.id.equals(deliveryId)) {
        moveOn();
      }
    }
  }

  /**
   * A device delivery's position: its seq is the fix time, which the load generator set to the instant it began the
   * phone's request, so the latency runs from there (millisecond resolution) to here.
   */
  private void onFix(String deliveryId, long fixTimeMs, long nowMicros) {
    stats.delivered.increment();
    stats.latencyMicros.recordValue(Math.max(0, nowMicros - fixTimeMs * 1_000));
    if (!fixes.received(deliveryId, fixTimeMs)) {
      stats.duplicates.increment();
    }
  }

  /** Leaves the current delivery (if any) for the least-watched running one. */
  private void moveOn() {
    String previous = current == null ? null : current.id;
    if (previous != null && !closed) {
      write(new JsonObject().put("type", "unregister").put("address", Addresses.delivery(previous)));
    }
    current = watchlist.assign(previous);
    if (current != null && !closed) {
      stats.reassignments.increment();
      write(SockJsClient.authorized(new JsonObject().put("type", "register").put("address", Addresses.delivery(current.id)), token));
    }
  }

  private void write(JsonObject message) {
    socket.writeTextMessage(SockJsClient.frame(message));
  }

  /** Every second: a ping now and then (the bridge closes silent sockets), and a new delivery if it has none. */
  void tick(boolean ping) {
    context.runOnContext(v -> {
      if (closed || socket == null) {
        return;
      }
      if (ping) {
        socket.writeTextMessage(PING);
      }
      if (current == null) {
        moveOn();
      } else if (current.finished() && System.currentTimeMillis() - current.finishedAtMs > FINISH_GRACE_MS) {
        Stream stream = streams.get(current.id);
        if (stream == null || !stream.finished) {
          moveOn(); // its finishing position never came (or it finished before we registered)
        }
      }
    });
  }

  /**
   * Positions lost at the end of streams whose delivery finished more than the grace period ago but whose
   * finishing position never arrived here; completes on this subscriber's context.
   */
  Future<Long> tailLost() {
    Promise<Long> result = Promise.promise();
    context.runOnContext(v -> {
      long lost = 0;
      long now = System.currentTimeMillis();
      for (Map.Entry<String, Stream> e : streams.entrySet()) {
        Stream s = e.getValue();
        Watchlist.Delivery d = watchlist.get(e.getKey());
        if (!s.finished && d != null && d.finished() && now - d.finishedAtMs > FINISH_GRACE_MS && d.finishedSeq > s.last) {
          lost += d.finishedSeq - s.last;
        }
      }
      result.complete(lost);
    });
    return result.future();
  }

  Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      closed = true;
      if (socket == null) {
        done.complete();
      } else {
        socket.close().onComplete(x -> done.complete());
      }
    });
    return done.future();
  }
}
