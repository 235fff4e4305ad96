package io.codedelivery.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
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
  private static final String PING = new JsonArray().add(new JsonObject().put("type", "ping").encode()).encode();

  private final int index;
  private final Context context;
  private final Fleet fleet;
  private final Stats stats;
  private WebSocket socket;
  private Fleet.Delivery current;
  private final Map<String, Stream> streams = new HashMap<>();
  private boolean closed;

  Subscriber(int index, Context context, Fleet fleet, Stats stats) {
    this.index = index;
    this.context = context;
    this.fleet = fleet;
    this.stats = stats;
  }

  int index() {
    return index;
  }

  /** Opens the SockJS WebSocket session (on this subscriber's context). */
  Future<Void> connect(WebSocketClient client, int port) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      String path = "/eventbus/" + ThreadLocalRandom.current().nextInt(1000) + "/"
          + UUID.randomUUID().toString().substring(0, 8) + "/websocket";
      client.connect(port, "localhost", path).onComplete(ar -> {
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
        done.complete();
      });
    });
    return done.future();
  }

  private void onFrame(String frame) {
    if (frame.isEmpty() || frame.charAt(0) != 'a') {
      return; // "o" open, "h" heartbeat, "c[…]" close (the close handler counts it)
    }
    Instant now = Instant.now();
    long nowMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    JsonArray messages = new JsonArray(frame.substring(1));
    for (int i = 0; i < messages.size(); i++) {
      JsonObject message = new JsonObject(messages.getString(i));
      String type = message.getString("type");
      if ("rec".equals(type) && message.getValue("body") instanceof JsonObject position) {
        onPosition(position, nowMicros);
      } else if ("err".equals(type)) {
        stats.errors.increment();
      }
    }
  }

  private void onPosition(JsonObject position, long nowMicros) {
    stats.delivered.increment();
    Instant ts = Instant.parse(position.getString("timestamp"));
    long latency = nowMicros - (ts.getEpochSecond() * 1_000_000L + ts.getNano() / 1_000);
    stats.latencyMicros.recordValue(Math.max(0, latency));
    String deliveryId = position.getString("deliveryId");
    long seq = position.getLong("seq");
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
    if (position.getBoolean("finished", false) && !stream.finished) {
      stream.finished = true;
      stats.completeStreams.increment();
      if (current != null && current.id.equals(deliveryId)) {
        moveOn();
      }
    }
  }

  /** Leaves the current delivery (if any) for the least-watched running one. */
  private void moveOn() {
    String previous = current == null ? null : current.id;
    if (previous != null && !closed) {
      write(new JsonObject().put("type", "unregister").put("address", "delivery." + previous));
    }
    current = fleet.assign(previous);
    if (current != null && !closed) {
      stats.reassignments.increment();
      write(new JsonObject().put("type", "register").put("address", "delivery." + current.id));
    }
  }

  private void write(JsonObject message) {
    socket.writeTextMessage(new JsonArray().add(message.encode()).encode());
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
        Fleet.Delivery d = fleet.get(e.getKey());
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
