package io.codedelivery.bench;

import io.codedelivery.metrics.PipelineMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What one run measures while the load is on. It reads the application's pipeline counters (produced, bridged,
 * persisted, the bridge's latency timer) together with the positions the subscribers received, paces the warm-up
 * and the measured window, samples the vehicles on the road, gathers the subscribers' end-to-end latencies of the
 * window into one histogram, and prints a line of rates every few seconds. What it gathers is a {@link Window};
 * turning that into a verdict is {@link Report}'s business.
 */
final class Metering {
  /** The registries of every process of the run: each counter is the sum of theirs. */
  private final List<MeterRegistry> registries;
  private final Subscriber.Stats stats;
  private final Fleet fleet;
  private final ResourceSampler resources;
  private final int progressS;

  Metering(List<MeterRegistry> registries, Subscriber.Stats stats, Fleet fleet, ResourceSampler resources, int progressS) {
    this.registries = List.copyOf(registries);
    this.stats = stats;
    this.fleet = fleet;
    this.resources = resources;
    this.progressS = progressS;
  }

  /** The counters of the registry and of the subscribers, read together. */
  record Reading(long nanos, double produced, double bridged, double persisted, long delivered,
                 long latencyCount, double latencyTotalMs, long latencyOver100Ms) {
  }

  /**
   * The measured window.
   *
   * @param plannedEndNanos  when the window was due to end ({@link System#nanoTime()}), the start of the grace
   *                         period for the streams' ends
   * @param latency          end-to-end latencies in microseconds, position timestamp → receipt by a subscriber
   * @param progress         the readings at the window's start and at each progress line after it, which tell how
   *                         the window's first seconds compared with its last ({@link Backlog})
   */
  record Window(Reading start, Reading end, double seconds, long plannedEndNanos, Histogram latency,
                ResourceSampler.Snapshot resources, double vehiclesActiveAvg, List<Reading> progress) {
  }

  /** Progress lines until {@code warmupEnd} ({@link System#nanoTime()}); nothing of it is kept. */
  void warmUp(long warmupEnd) throws InterruptedException {
    Reading previous = read();
    long nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(progressS);
    while (System.nanoTime() < warmupEnd) {
      sleepUntil(Math.min(warmupEnd, nextProgress));
      if (System.nanoTime() >= nextProgress) {
        Reading now = read();
        progress("warm-up", now, previous, null);
        previous = now;
        nextProgress += TimeUnit.SECONDS.toNanos(progressS);
      }
    }
  }

  /** Measures a window of {@code durationS} seconds, starting now. */
  Window measure(int durationS) throws InterruptedException {
    stats.takeInterval(); // forget the warm-up
    Histogram window = new Histogram(3);
    resources.reset();
    Reading start = read();
    Reading previous = start;
    List<Reading> boundaries = new ArrayList<>(List.of(start));
    double activeSum = 0;
    int activeSamples = 0;
    long windowStart = System.nanoTime();
    long windowEnd = windowStart + TimeUnit.SECONDS.toNanos(durationS);
    long nextProgress = windowStart + TimeUnit.SECONDS.toNanos(Math.min(progressS, durationS));
    while (System.nanoTime() < windowEnd) {
      sleepUntil(Math.min(windowEnd, nextProgress));
      activeSum += activeVehicles();
      activeSamples++;
      if (System.nanoTime() >= nextProgress || System.nanoTime() >= windowEnd) {
        Histogram interval = stats.takeInterval();
        window.add(interval);
        Reading now = read();
        long elapsed = (System.nanoTime() - windowStart) / 1_000_000_000L;
        progress("window " + elapsed + "/" + durationS + "s", now, previous, interval);
        boundaries.add(now);
        previous = now;
        nextProgress += TimeUnit.SECONDS.toNanos(progressS);
      }
    }
    Reading end = read();
    double windowS = (System.nanoTime() - windowStart) / 1e9;
    ResourceSampler.Snapshot res = resources.snapshot();
    return new Window(start, end, windowS, windowEnd, window, res, activeSamples == 0 ? 0 : activeSum / activeSamples,
        List.copyOf(boundaries));
  }

  private double counter(String name) {
    return registries.stream().map(r -> r.find(name).counter()).filter(Objects::nonNull).mapToDouble(Counter::count).sum();
  }

  Reading read() {
    // Only the bridge, in the stack's own process, times positions.
    Timer t = registries.stream().map(r -> r.find(PipelineMetrics.LATENCY).timer()).filter(Objects::nonNull)
        .findFirst().orElse(null);
    return new Reading(System.nanoTime(), counter(PipelineMetrics.PRODUCED), counter(PipelineMetrics.BRIDGED),
        counter(PipelineMetrics.PERSISTED),
        stats.delivered.sum(), t == null ? 0 : t.count(), t == null ? 0 : t.totalTime(TimeUnit.MILLISECONDS),
        t == null ? 0 : countOver(t, 100));
  }

  /** Recorded above limitMs, from the timer's buckets (the limit must be one of them). */
  private static long countOver(Timer timer, long limitMs) {
    HistogramSnapshot snapshot = timer.takeSnapshot();
    for (CountAtBucket bucket : snapshot.histogramCounts()) {
      if (bucket.bucket(TimeUnit.MILLISECONDS) == limitMs) {
        return snapshot.count() - (long) bucket.count();
      }
    }
    throw new IllegalStateException(timer.getId().getName() + " has no " + limitMs + " ms bucket");
  }

  double produced() {
    return counter(PipelineMetrics.PRODUCED);
  }

  double persisted() {
    return counter(PipelineMetrics.PERSISTED);
  }

  double activeVehicles() {
    return registries.stream().map(r -> r.find(PipelineMetrics.ACTIVE_DELIVERIES).gauge()).filter(Objects::nonNull)
        .mapToDouble(Gauge::value).sum();
  }

  private void progress(String phase, Reading now, Reading before, Histogram interval) {
    double s = Math.max(1e-9, (now.nanos() - before.nanos()) / 1e9);
    String latency = interval == null || interval.getTotalCount() == 0 ? "p99 –"
        : String.format(Locale.ROOT, "p99 %.1f ms max %.1f ms", interval.getValueAtPercentile(99) / 1000.0, interval.getMaxValue() / 1000.0);
    long bridgedCount = now.latencyCount() - before.latencyCount();
    if (bridgedCount > 0) {
      // Where a jump happens: before the bridge (Kafka) or after it (fan-out to the browsers).
      latency += String.format(Locale.ROOT, " (to the bridge %.1f ms mean, %.2f%% > 100 ms)",
          (now.latencyTotalMs() - before.latencyTotalMs()) / bridgedCount,
          100.0 * (now.latencyOver100Ms() - before.latencyOver100Ms()) / bridgedCount);
    }
    System.out.printf(Locale.ROOT,
        "%s [%-14s] vehicles %d (sim %d) | produced %.1f/s bridged %.1f/s persisted %.1f/s delivered %.1f/s | %s"
            + " | lost %d dup %d dropped %d | cpu %.0f%% heap %d MB rss %d MB%n",
        LocalTime.now().truncatedTo(ChronoUnit.SECONDS), phase, fleet.watchlist().activeCount(), (long) activeVehicles(),
        (now.produced() - before.produced()) / s, (now.bridged() - before.bridged()) / s,
        (now.persisted() - before.persisted()) / s, (now.delivered() - before.delivered()) / s, latency,
        stats.lostInGaps.sum(), stats.duplicates.sum(), stats.closedByServer.sum(),
        resources.lastCpuLoad() * 100, resources.heapUsedNow() >> 20, ResourceSampler.statusKb("VmRSS") >> 10);
  }

  /** A benchmark's counters at one instant, read again for each progress line. */
  @FunctionalInterface
  interface Reader<R> {
    R read() throws Exception;
  }

  /** Prints a progress line: the counters as the interval began and now, and the latencies received in it. */
  @FunctionalInterface
  interface ProgressLine<R> {
    void print(R before, R now, Histogram interval);
  }

  /**
   * Paces a measured window that began with {@code start} and ends at {@code windowEnd} ({@link System#nanoTime()}):
   * a progress line every {@code progressS} seconds, each interval's latencies added to the window's, which it returns.
   */
  static <R> Histogram window(long windowEnd, int progressS, Subscriber.Stats stats, R start, Reader<R> reader,
      ProgressLine<R> line) throws Exception {
    Histogram latency = new Histogram(3);
    R previous = start;
    while (System.nanoTime() < windowEnd) {
      sleepUntil(Math.min(windowEnd, System.nanoTime() + TimeUnit.SECONDS.toNanos(progressS)));
      Histogram interval = stats.takeInterval();
      latency.add(interval);
      R now = reader.read();
      line.print(previous, now, interval);
      previous = now;
    }
    return latency;
  }

  static void sleepUntil(long nanoTime) throws InterruptedException {
    long wait = nanoTime - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }
}
