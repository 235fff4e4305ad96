package io.codedelivery.bench;

import io.codedelivery.config.KafkaConnection;
import io.codedelivery.kafka.KafkaClients;
import io.codedelivery.model.Position;
import io.codedelivery.model.Route;
import io.codedelivery.model.Topics;
import io.codedelivery.simulation.RouteFiles;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The gateway mode's source of positions, in a JVM of its own ({@code <kafka bootstrap servers> <deliveries file>
 * <interval ms>}): each delivery of the file gets a position every interval, the deliveries spread evenly over it, at
 * a fixed rate whatever the server does. The records are what the simulation writes to {@code route.new-position}
 * (keyed by delivery id, {@link Position#toJson()} with a route's points in turn, seq counting from 0, the timestamp
 * taken as the record is sent), through a producer with the application's settings.
 *
 * <p>Says {@code READY {}} once the first positions are acknowledged, then every second {@code STATS {"sent":…,
 * "acked":…,"failed":…,"late":…}} ({@code late}: times it fell more than an interval behind its schedule and started
 * again from now rather than send a burst). Told to end, it sends each delivery's finishing position (the next seq,
 * {@code finished}), waits for every acknowledgement and says {@code END} with its final counts.
 */
final class PositionProducer {
  private final List<String> deliveries;
  private final List<Route> routes;
  private final long intervalNanos;
  private final KafkaProducer<String, String> producer;
  private final long[] nextSeq;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong late = new AtomicLong();
  private volatile boolean running = true;

  private PositionProducer(String bootstrap, List<String> deliveries, List<Route> routes, long intervalMs) {
    this.deliveries = deliveries;
    this.routes = routes;
    this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
    this.producer = new KafkaProducer<>(new HashMap<String, Object>(KafkaClients.producer(KafkaConnection.plaintext(bootstrap))));
    this.nextSeq = new long[deliveries.size()];
  }

  /**
   * Sends the k-th position of the schedule at {@code start + k × interval / N}: delivery {@code k mod N}, its next
   * seq. Sleeps between sends; more than an interval behind (the machine was busy), it moves the schedule to now.
   */
  private void produce() {
    int n = deliveries.size();
    long start = System.nanoTime();
    long k = 0;
    while (running) {
      long now = System.nanoTime();
      long due = start + k * intervalNanos / n;
      if (now - due > intervalNanos) {
        late.incrementAndGet();
        start += now - due;
        due = now;
      }
      if (due > now) {
        LockSupport.parkNanos(due - now);
        continue;
      }
      send((int) (k % n), false);
      k++;
    }
  }

  private void send(int index, boolean finished) {
    String deliveryId = deliveries.get(index);
    Route route = routes.get(index % routes.size());
    long seq = nextSeq[index]++;
    Position position = new Position(deliveryId, route.id(), null, seq, route.points().get((int) (seq % route.points().size())),
        finished, Instant.now());
    sent.incrementAndGet();
    producer.send(new ProducerRecord<>(Topics.NEW_POSITION, deliveryId, position.toJson().encode()), (metadata, error) -> {
      if (error == null) {
        acked.incrementAndGet();
      } else {
        failed.incrementAndGet();
      }
    });
  }

  private JsonObject counts() {
    return new JsonObject().put("sent", sent.get()).put("acked", acked.get()).put("failed", failed.get()).put("late", late.get());
  }

  public static void main(String[] args) {
    ChildProcess.exitAfter(() -> run(args));
  }

  private static void run(String[] args) throws Exception {
    PrintWriter out = ChildJvm.linesToBenchmark();
    List<String> deliveries = Files.readAllLines(Path.of(args[1]));
    List<Route> routes = new ArrayList<>(RouteFiles.load(Path.of("conf/routes")).all());
    PositionProducer producer = new PositionProducer(args[0], deliveries, routes, Long.parseLong(args[2]));
    Thread clock = new Thread(producer::produce, "producer-clock");
    clock.start();
    while (producer.acked.get() == 0 && producer.failed.get() == 0) {
      Thread.sleep(10);
    }
    ChildProcess.say(out, "READY", new JsonObject());
    Thread stats = new Thread(() -> {
      while (producer.running) {
        ChildProcess.say(out, "STATS", producer.counts());
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
      }
    }, "producer-stats");
    stats.setDaemon(true);
    stats.start();

    ChildProcess.awaitEnd();
    producer.running = false;
    clock.join();
    for (int i = 0; i < deliveries.size(); i++) {
      producer.send(i, true);
    }
    producer.producer.flush();
    producer.producer.close();
    ChildProcess.say(out, "END", producer.counts());
  }
}
