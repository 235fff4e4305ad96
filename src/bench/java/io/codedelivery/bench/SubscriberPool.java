package io.codedelivery.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.metrics.MetricsOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * M subscribers on a Vert.x of their own (so their event loops are not the application's), connected before the
 * load starts; one periodic timer makes each ping now and then and pick a delivery when it has none.
 */
final class SubscriberPool implements SubscriberLoad {
  private final Vertx vertx;
  /** Held for the pool's life: Vert.x closes a client, and all its WebSockets, once it is garbage. */
  private final WebSocketClient client;
  private final List<Subscriber> subscribers = new ArrayList<>();
  private long ticker = -1;

  /** @param token the session token of the operator the subscribers watch as */
  SubscriberPool(int count, int port, String token, Watchlist watchlist, Subscriber.Stats stats) throws Exception {
    this(count, port, token, watchlist, stats, null);
  }

  /** @param fixes the devices mode's ledger, which the subscribers' positions are accounted in; null otherwise */
  SubscriberPool(int count, int port, String token, Watchlist watchlist, Subscriber.Stats stats, FixLedger fixes) throws Exception {
    int loops = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops)
        .setMetricsOptions(new MetricsOptions().setEnabled(false)));
    client = vertx.createWebSocketClient(
        new WebSocketClientOptions().setMaxConnections(Math.max(50, count + 16)));
    List<Context> contexts = new ArrayList<>();
    for (int i = 0; i < loops; i++) {
      contexts.add(((VertxInternal) vertx).createEventLoopContext());
    }
    for (int i = 0; i < count; i++) {
      subscribers.add(new Subscriber(contexts.get(i % loops), token, watchlist, stats, fixes));
    }
    // Ticking while they connect: the bridge closes a connection that has not pinged within 10 s of opening, and
    // thousands of connections can take longer than that to open on a busy machine.
    long[] ticks = {0};
    ticker = vertx.setPeriodic(1_000, id -> {
      boolean ping = ticks[0]++ % 5 == 0;
      subscribers.forEach(s -> s.tick(ping));
    });
    List<Future<Void>> connecting = new ArrayList<>();
    for (Subscriber s : subscribers) {
      connecting.add(s.connect(client, port));
    }
    try {
      Future.all(connecting).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /** The Vert.x of this load, for the subscriber process's own timers (and the devices' requests). */
  Vertx vertx() {
    return vertx;
  }

  /** The pool's client, for one more connection of the same load (the deliveries.updates listener). */
  WebSocketClient client() {
    return client;
  }

  @Override
  public void assignNow() {
    subscribers.forEach(s -> s.tick(false));
  }

  @Override
  public long tailLost() throws Exception {
    long lost = 0;
    for (Subscriber s : subscribers) {
      lost += s.tailLost().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    return lost;
  }

  @Override
  public void close() throws Exception {
    if (ticker >= 0) {
      vertx.cancelTimer(ticker);
    }
    for (Subscriber s : subscribers) {
      try {
        s.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // closing anyway
      }
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
