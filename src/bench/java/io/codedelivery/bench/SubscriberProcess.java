package io.codedelivery.bench;

import io.codedelivery.model.Addresses;
import io.codedelivery.support.SockJsClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;

/**
 * Subscribers in a JVM of their own: for more subscribers than one process's file descriptors allow (each holds a
 * socket on both sides when the server shares the process), and to keep their work out of the server's JVM. Like
 * the map page, the process learns which deliveries run (unless given them) and finish from {@code deliveries.updates}.
 *
 * <p>The benchmark reads its stdout: {@code CONNECTED} once every subscriber is connected, then every second
 * {@code STATS <json>} (counters so far, latencies since the last report). On stdin, {@code ASSIGN} makes idle
 * subscribers pick a delivery now and {@code END} ends it with {@code END <json>} (the lost stream tails).
 */
final class SubscriberProcess implements SubscriberLoad {
  private static final long CONNECT_TIMEOUT_S = 120;

  private final CompletableFuture<Void> connected = new CompletableFuture<>();
  private final CompletableFuture<Long> ended = new CompletableFuture<>();
  private ChildJvm jvm;

  /** Starts the process, and returns once all its subscribers are connected. */
  static SubscriberProcess start(int count, int port, String token, Subscriber.Stats stats, Path logDir) throws Exception {
    return start(count, port, token, stats, logDir, null);
  }

  /**
   * @param deliveries a file of the deliveries that run, one id a line, known before the first subscriber picks one (so
   *     that they share them out evenly); null to learn them from {@code deliveries.updates} as they start
   */
  static SubscriberProcess start(int count, int port, String token, Subscriber.Stats stats, Path logDir, Path deliveries) throws Exception {
    SubscriberProcess subscribers = new SubscriberProcess();
    JsonObject[] previous = {new JsonObject()};
    List<String> args = deliveries == null ? List.of(String.valueOf(port), String.valueOf(count))
        : List.of(String.valueOf(port), String.valueOf(count), deliveries.toString());
    subscribers.jvm = new ChildJvm(logDir, "subscribers", SubscriberProcess.class, args, token,
        line -> subscribers.read(line, stats, previous), exited -> {
          subscribers.connected.completeExceptionally(exited);
          subscribers.ended.completeExceptionally(exited);
        });
    try {
      subscribers.connected.get(CONNECT_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      subscribers.close();
      throw new IllegalStateException("the subscriber process did not connect " + count + " subscribers (see "
          + ChildJvm.log(logDir, "subscribers") + ")", e);
    }
    return subscribers;
  }

  private void read(String line, Subscriber.Stats stats, JsonObject[] previous) {
    if (line.equals("CONNECTED")) {
      connected.complete(null);
    } else if (line.startsWith("STATS ")) {
      JsonObject report = new JsonObject(line.substring("STATS ".length()));
      try {
        stats.add(report, previous[0]);
      } catch (DataFormatException e) {
        throw new IllegalStateException("unreadable latencies from the subscriber process", e);
      }
      previous[0] = report;
    } else if (line.startsWith("END ")) {
      ended.complete(new JsonObject(line.substring("END ".length())).getLong("tailLost"));
    }
  }

  @Override
  public void assignNow() {
    jvm.command("ASSIGN");
  }

  @Override
  public long tailLost() throws Exception {
    return jvm.end(ended);
  }

  @Override
  public void close() throws Exception {
    jvm.close(ended.isDone());
  }

  /** The subscriber process itself: {@code <http port> <subscribers> [<deliveries file>]}. */
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int count = Integer.parseInt(args[1]);
    PrintWriter out = ChildJvm.linesToBenchmark();
    Watchlist watchlist = new Watchlist();
    if (args.length > 2) {
      Files.readAllLines(Path.of(args[2])).forEach(id -> watchlist.started(new Watchlist.Delivery(id, null, -1)));
    }
    Subscriber.Stats stats = new Subscriber.Stats();
    String token = ChildJvm.token();
    SubscriberPool pool = new SubscriberPool(count, port, token, watchlist, stats);
    listenToUpdates(pool, port, token, watchlist).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    out.println("CONNECTED");
    pool.vertx().setPeriodic(1_000, id -> out.println("STATS " + stats.report().encode()));

    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String command;
    while ((command = in.readLine()) != null) {
      if (command.equals("ASSIGN")) {
        pool.assignNow();
      } else if (command.equals("END")) {
        long tailLost = pool.tailLost();
        out.println("STATS " + stats.report().encode());
        out.println("END " + new JsonObject().put("tailLost", tailLost).encode());
        break;
      }
    }
    pool.close();
    System.exit(0);
  }

  /** One more SockJS session, registered to deliveries.updates: starts and finishes, as the map page hears them. */
  private static Future<Void> listenToUpdates(SubscriberPool pool, int port, String token, Watchlist watchlist) {
    return SockJsClient.open(pool.client(), port).map(socket -> {
      socket.textMessageHandler(frame -> {
        for (JsonObject message : SockJsClient.messages(frame)) {
          if (message.getValue("body") instanceof JsonObject update) {
            String id = update.getString("deliveryId");
            switch (update.getString("type", "")) {
              case "started" -> watchlist.started(new Watchlist.Delivery(id, update.getString("routeId"), -1));
              case "finished" -> watchlist.finished(id, update.getLong("seq", -1L));
              default -> {
                // other kinds of update do not change who runs
              }
            }
          }
        }
      });
      socket.writeTextMessage(SockJsClient.frame(SockJsClient.authorized(
          new JsonObject().put("type", "register").put("address", Addresses.DELIVERY_UPDATES), token)));
      pool.vertx().setPeriodic(5_000, id -> socket.writeTextMessage(Subscriber.PING));
      return null;
    });
  }
}
