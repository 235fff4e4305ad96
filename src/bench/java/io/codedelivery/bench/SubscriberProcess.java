package io.codedelivery.bench;

import ch.qos.logback.classic.Level;
import io.codedelivery.model.Addresses;
import io.codedelivery.support.SockJsClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribers in a JVM of their own: for more subscribers than one process's file descriptors allow (each holds a
 * socket on both sides when the server shares the process), and to keep their work out of the server's JVM. Like
 * the map page, the process learns which deliveries run from {@code deliveries.updates}.
 *
 * <p>The benchmark reads its stdout: {@code CONNECTED} once every subscriber is connected, then every second
 * {@code STATS <json>} (counters so far, latencies since the last report). On stdin, {@code ASSIGN} makes idle
 * subscribers pick a delivery now and {@code END} ends it with {@code END <json>} (the lost stream tails).
 */
final class SubscriberProcess implements SubscriberLoad {
  private static final long CONNECT_TIMEOUT_S = 120;

  private final Process process;
  private final BufferedWriter commands;
  private final CompletableFuture<Void> connected = new CompletableFuture<>();
  private final CompletableFuture<Long> ended = new CompletableFuture<>();

  private SubscriberProcess(Process process) {
    this.process = process;
    this.commands = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
  }

  /** Starts the process, and returns once all its subscribers are connected. */
  static SubscriberProcess start(int count, int port, Subscriber.Stats stats, Path logDir) throws Exception {
    Files.createDirectories(logDir);
    Path log = logDir.resolve("subscribers.log");
    // Its GC log tells a pause of the subscribers from one of the server when latency jumps.
    ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-Xmx1g",
        "-Xlog:gc:file=" + logDir.resolve("subscribers-gc.log") + ":time", "-cp", System.getProperty("java.class.path"), SubscriberProcess.class.getName(),
        String.valueOf(port), String.valueOf(count));
    builder.redirectError(log.toFile());
    SubscriberProcess subscribers = new SubscriberProcess(builder.start());
    Thread reader = new Thread(() -> subscribers.read(stats), "subscriber-process-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      subscribers.connected.get(CONNECT_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      subscribers.close();
      throw new IllegalStateException("the subscriber process did not connect " + count + " subscribers (see " + log + ")", e);
    }
    return subscribers;
  }

  private void read(Subscriber.Stats stats) {
    JsonObject previous = new JsonObject();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.equals("CONNECTED")) {
          connected.complete(null);
        } else if (line.startsWith("STATS ")) {
          JsonObject report = new JsonObject(line.substring("STATS ".length()));
          stats.add(report, previous);
          previous = report;
        } else if (line.startsWith("END ")) {
          ended.complete(new JsonObject(line.substring("END ".length())).getLong("tailLost"));
        }
      }
    } catch (Exception e) {
      System.err.println("Reading the subscriber process failed: " + e);
      e.printStackTrace();
      connected.completeExceptionally(e);
      ended.completeExceptionally(e);
    }
    IllegalStateException exited = new IllegalStateException("the subscriber process exited");
    connected.completeExceptionally(exited);
    ended.completeExceptionally(exited);
  }

  private void command(String command) throws IOException {
    commands.write(command);
    commands.newLine();
    commands.flush();
  }

  @Override
  public void assignNow() {
    try {
      command("ASSIGN");
    } catch (IOException e) {
      throw new IllegalStateException("the subscriber process is gone", e);
    }
  }

  @Override
  public long tailLost() throws Exception {
    command("END");
    return ended.get(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    // After END it closes its sockets and exits by itself; a kill would reset every connection at once.
    if (!ended.isDone() || !process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroy();
    }
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  /** The subscriber process itself: {@code <http port> <subscribers>}. */
  public static void main(String[] args) throws Exception {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
    int port = Integer.parseInt(args[0]);
    int count = Integer.parseInt(args[1]);
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    Watchlist watchlist = new Watchlist();
    Subscriber.Stats stats = new Subscriber.Stats();
    SubscriberPool pool = new SubscriberPool(count, port, watchlist, stats);
    listenToUpdates(pool, port, watchlist).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
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
  private static Future<Void> listenToUpdates(SubscriberPool pool, int port, Watchlist watchlist) {
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
      socket.writeTextMessage(SockJsClient.frame(new JsonObject().put("type", "register").put("address", Addresses.DELIVERY_UPDATES)));
      pool.vertx().setPeriodic(5_000, id -> socket.writeTextMessage(Subscriber.PING));
      return null;
    });
  }
}
