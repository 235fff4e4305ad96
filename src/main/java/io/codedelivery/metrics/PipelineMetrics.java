package io.codedelivery.metrics;

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
  public static final String SIMULATION_MOVES_SKIPPED = "codedelivery.simulation.moves.skipped";

  private final MeterRegistry registry;
  private final Counter produced;
  private final Counter bridged;
  private final Counter persisted;
  private final AtomicLong activeDeliveries = new AtomicLong();
  private final AtomicLong sockJsSessions = new AtomicLong();
  private final Timer latency;
  private final Counter sockJsDropped;
  private final Counter listsTurnedAway;
  private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
  private final Map<String, Counter> skipped = new ConcurrentHashMap<>();
  private final Map<String, Counter> clientFaults = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> consumerLag = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> consumerStalled = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> consumerSecondsWithoutProgress = new ConcurrentHashMap<>();
  private final Map<String, Counter> httpRefused = new ConcurrentHashMap<>();
  private final Map<String, Counter> fixesAccepted = new ConcurrentHashMap<>();
  private final Map<String, Counter> fixesRefused = new ConcurrentHashMap<>();
  private final Map<String, Counter> fixesTracked = new ConcurrentHashMap<>();
  private final Map<String, Counter> eventsRaised = new ConcurrentHashMap<>();
  private final Map<String, Counter> webhookAttempts = new ConcurrentHashMap<>();
  private final Map<String, Counter> simulationMovesSkipped = new ConcurrentHashMap<>();

  public PipelineMetrics(MeterRegistry registry) {
    this.registry = registry;
    produced = Counter.builder(PRODUCED)
        .description("Simulated vehicles' fixes acknowledged by Kafka, one per route point").register(registry);
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
    listsTurnedAway = Counter.builder("codedelivery.api.lists.busy")
        .description("GET /api/deliveries answered 503 busy: the process already ran as many list queries as allowed").register(registry);
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

  public void listTurnedAway() {
    listsTurnedAway.increment();
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
    countBy(clientFaults, "codedelivery.client.faults",
        "Requests and bridge frames refused for what the client sent, and client connections that broke", "kind", kind);
  }

  public void deadLettered(String sourceTopic) {
    countBy(deadLetters, "codedelivery.dead.letters", "Records moved to the dead-letter topic", "topic", sourceTopic);
  }

  /** A record that could be neither used nor dead-lettered, and was passed over (logged at ERROR). */
  public void skipped(String sourceTopic) {
    countBy(skipped, "codedelivery.records.skipped", "Records that could be neither used nor dead-lettered, passed over",
        "topic", sourceTopic);
  }

  /** An HTTP request or connection refused for its shape or its slowness; the reason is a tag. */
  public void httpRefused(String reason) {
    countBy(httpRefused, "codedelivery.http.refused", "HTTP requests and connections refused: malformed, ambiguous or too slow",
        "reason", reason);
  }

  /** A device's fix acknowledged by Kafka on device.positions; the protocol it came in is a tag. */
  public void fixAccepted(String source) {
    countBy(fixesAccepted, "codedelivery.fixes.accepted", "Device fixes acknowledged by Kafka and answered 200", "source", source);
  }

  /**
   * A device's request answered 400 and not produced (an unknown device, a fix out of range, a body over the limit…);
   * logged at DEBUG only, so this count is what shows a misconfigured fleet.
   */
  public void fixRefused(String reason) {
    countBy(fixesRefused, "codedelivery.fixes.refused", "Device requests refused (400) and not produced", "reason", reason);
  }

  /**
   * A device's fix read by the tracking stage, by what became of it: {@code newest} (its delivery's newest position),
   * {@code late} (older than the delivery's newest: stored in order, moving nothing), {@code repeated} (the newest
   * again), {@code unassigned} (the device has no active delivery: dropped).
   */
  public void fixTracked(String outcome) {
    countBy(fixesTracked, "codedelivery.fixes.tracked", "Device fixes read by the tracking stage, by what became of them",
        "outcome", outcome);
  }

  /** A delivery event produced on delivery.events (and so recorded); its type ({@code off_route}…) is a tag. */
  public void eventRaised(String type) {
    countBy(eventsRaised, "codedelivery.events.raised", "Delivery events raised, by type", "type", type);
  }

  /**
   * A webhook POST, by what became of its delivery: {@code delivered} (answered 2xx), {@code retry} (anything else,
   * tried again later), {@code failed} (the last attempt within webhook.retry.hours failed too).
   */
  public void webhookAttempt(String outcome) {
    countBy(webhookAttempts, "codedelivery.webhooks.attempts", "Webhook POSTs, by what became of their delivery", "outcome", outcome);
  }

  /**
   * Vehicle moves the simulation skipped because it fell behind its schedule, by cause: {@code late} (its timer came
   * more than an interval late: the event loop was held up) or {@code unacknowledged} (the vehicle's previous position
   * was still waiting for Kafka's acknowledgement). A skipped move delays its vehicle by one interval.
   */
  public void simulationMovesSkipped(String cause, long moves) {
    counterBy(simulationMovesSkipped, SIMULATION_MOVES_SKIPPED,
        "Vehicle moves the simulation skipped because it fell behind its schedule", "cause", cause).increment(moves);
  }

  /** Records that a consumer group has not committed yet, summed over its partitions. */
  public void consumerLag(String group, long lag) {
    gaugeBy(consumerLag, "codedelivery.consumer.lag", "Records not yet committed by a consumer group", group).set(lag);
  }

  /**
   * Whether a group's partitions held by this process are stalled (1) or not (0), and how long the one longest
   * without progress has gone with records waiting and no commit (0 when every one is caught up or moving).
   */
  public void consumerProgress(String group, boolean stalled, long secondsWithoutProgress) {
    gaugeBy(consumerStalled, "codedelivery.consumer.stalled",
        "1 when a partition of this group held by this process has had records waiting and no commit for consumer.stall.seconds",
        group).set(stalled ? 1 : 0);
    gaugeBy(consumerSecondsWithoutProgress, "codedelivery.consumer.seconds.without.progress",
        "Longest time a partition of this group held by this process has had records waiting and no commit", group)
        .set(secondsWithoutProgress);
  }

  private void countBy(Map<String, Counter> counters, String name, String description, String tag, String value) {
    counterBy(counters, name, description, tag, value).increment();
  }

  private Counter counterBy(Map<String, Counter> counters, String name, String description, String tag, String value) {
    return counters.computeIfAbsent(value, v -> Counter.builder(name).description(description).tag(tag, v).register(registry));
  }

  private AtomicLong gaugeBy(Map<String, AtomicLong> gauges, String name, String description, String group) {
    return gauges.computeIfAbsent(group, g -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder(name, value, AtomicLong::get).description(description).tag("group", g).register(registry);
      return value;
    });
  }
}
