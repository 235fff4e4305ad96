package io.codedelivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The domain meters, named once. Micrometer turns {@code codedelivery.positions.produced} into the Prometheus
 * name {@code codedelivery_positions_produced_total}, a timer into {@code …_seconds} buckets, and so on.
 */
public final class PipelineMetrics {
  private static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
      Duration.ofSeconds(10)};
  /** Meter names, for readers of the registry such as the benchmark. */
  public static final String PRODUCED = "codedelivery.positions.produced";
  public static final String BRIDGED = "codedelivery.positions.bridged";
  public static final String PERSISTED = "codedelivery.positions.persisted";
  public static final String LATENCY = "codedelivery.position.latency";
  public static final String ACTIVE_DELIVERIES = "codedelivery.active.deliveries";

  private final MeterRegistry registry;
  private final Counter produced;
  private final Counter bridged;
  private final Counter persisted;
  private final AtomicLong activeDeliveries = new AtomicLong();
  private final AtomicLong sockJsSessions = new AtomicLong();
  private final Timer latency;
  private final Counter sockJsDropped;
  private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
  private final Map<String, Counter> clientFaults = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> consumerLag = new ConcurrentHashMap<>();

  public PipelineMetrics(MeterRegistry registry) {
    this.registry = registry;
    produced = Counter.builder(PRODUCED)
        .description("Positions acknowledged by Kafka (simulation)").register(registry);
    bridged = Counter.builder(BRIDGED)
        .description("Positions published to delivery.<id> on the event bus").register(registry);
    persisted = Counter.builder(PERSISTED)
        .description("Positions newly written to MongoDB (redeliveries not counted)").register(registry);
    Gauge.builder(ACTIVE_DELIVERIES, activeDeliveries, AtomicLong::get)
        .description("Deliveries being driven by this process's simulation").register(registry);
    Gauge.builder("codedelivery.sockjs.sessions", sockJsSessions, AtomicLong::get)
        .description("Open SockJS event-bus connections").register(registry);
    sockJsDropped = Counter.builder("codedelivery.sockjs.dropped")
        .description("SockJS connections closed because they stopped reading").register(registry);
    latency = Timer.builder(LATENCY)
        .description("From a position's timestamp to its publication on the event bus")
        // Fixed buckets around the 100 ms goal read better on a dashboard than Micrometer's 70-odd default ones.
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void produced() {
    produced.increment();
  }

  public void bridged(Duration sinceTimestamp) {
    bridged.increment();
    latency.record(sinceTimestamp.isNegative() ? Duration.ZERO : sinceTimestamp);
  }

  public void persisted(int newPositions) {
    persisted.increment(newPositions);
  }

  public void deliveryStarted() {
    activeDeliveries.incrementAndGet();
  }

  public void deliveryEnded() {
    activeDeliveries.decrementAndGet();
  }

  public void sockJsOpened() {
    sockJsSessions.incrementAndGet();
  }

  public void sockJsClosed() {
    sockJsSessions.decrementAndGet();
  }

  public void sockJsDropped() {
    sockJsDropped.increment();
  }

  /**
   * A request or frame refused because of what the client sent, or a client connection that broke. Logged at
   * DEBUG only (any client can cause as many as it likes), so this count is what shows them in production.
   */
  public void clientFault(String kind) {
    clientFaults.computeIfAbsent(kind, k -> Counter.builder("codedelivery.client.faults")
        .description("Requests and bridge frames refused for what the client sent, and client connections that broke")
        .tag("kind", k).register(registry)).increment();
  }

  public void deadLettered(String sourceTopic) {
    deadLetters.computeIfAbsent(sourceTopic, topic -> Counter.builder("codedelivery.dead.letters")
        .description("Records moved to the dead-letter topic").tag("topic", topic).register(registry)).increment();
  }

  /** Records that a consumer group has not committed yet, summed over its partitions. */
  public void consumerLag(String group, long lag) {
    consumerLag.computeIfAbsent(group, g -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder("codedelivery.consumer.lag", value, AtomicLong::get)
          .description("Records not yet committed by a consumer group").tag("group", g).register(registry);
      return value;
    }).set(lag);
  }
}
