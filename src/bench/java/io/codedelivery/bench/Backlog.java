package io.codedelivery.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a window still held a backlog from before it, so that its figures are not the steady state the run meant
 * to measure. Starting thousands of vehicles queues positions faster than the pipeline takes them at first; a window
 * that begins before that queue has drained measures the draining (on a 2-core Xeon, the README's 10,000-vehicle
 * command spent 50 of its 60 s there). Either of two signs flags the window, each read from the progress intervals
 * ({@code --progress}, 5 s):
 * <ul>
 *   <li><b>behind at the start</b>: over the window's first interval, positions reached the bridge more than the p99
 *   goal ({@code --p99-limit}) after their timestamp on average, or none did while vehicles were on the road. A
 *   pipeline that keeps up takes a few milliseconds on average; a mean above the goal for every position means a
 *   queue.</li>
 *   <li><b>produced above the schedule</b>: in some interval the vehicles produced more than 5 % above their schedule
 *   plus one interval's worth of positions (a turn served late lands in the next progress interval): vehicles were
 *   replaying moves they had missed, which a simulation that keeps its timetable does not do.</li>
 * </ul>
 * A flagged window prints a WARNING and fails the verdict: lengthen {@code --warmup}, or read the run as one the
 * machine could not carry.
 */
record Backlog(double firstSeconds, double bridgeMeanFirstMs, double bridgeMeanLastMs, double lastSeconds,
               double producedMaxPerSecond, double producedAllowedPerSecond, List<String> reasons, List<String> warnings) {
  static final double PRODUCED_TOLERANCE = 0.05;

  static Backlog of(BenchOptions opts, Metering.Window window) {
    List<Metering.Reading> readings = window.progress().size() >= 2 ? window.progress() : List.of(window.start(), window.end());
    Metering.Reading start = readings.get(0);
    Metering.Reading afterFirst = readings.get(1);
    Metering.Reading beforeLast = readings.get(readings.size() - 2);
    Metering.Reading end = readings.get(readings.size() - 1);
    double firstSeconds = seconds(start, afterFirst);
    double lastSeconds = seconds(beforeLast, end);
    double firstMean = bridgeMeanMs(start, afterFirst);
    double lastMean = bridgeMeanMs(beforeLast, end);

    double expected = opts.expectedProducedPerSecond();
    double producedMax = 0;
    double allowedAtMax = 0;
    boolean aboveSchedule = false;
    for (int i = 1; i < readings.size(); i++) {
      double seconds = seconds(readings.get(i - 1), readings.get(i));
      double produced = readings.get(i).produced() - readings.get(i - 1).produced();
      double allowed = (1 + PRODUCED_TOLERANCE) * expected * seconds + opts.vehicles;
      if (produced / seconds > producedMax) {
        producedMax = produced / seconds;
        allowedAtMax = allowed / seconds;
      }
      aboveSchedule |= produced > allowed;
    }

    List<String> reasons = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    boolean producing = afterFirst.produced() > start.produced();
    if (Double.isNaN(firstMean) ? producing : firstMean > opts.p99LimitMs) {
      String behind = Double.isNaN(firstMean) ? "no position reached the bridge"
          : fmt("positions reached the bridge %.0f ms after their timestamp on average", firstMean);
      reasons.add(fmt("window starts behind (%s in its first %.0f s)", Double.isNaN(firstMean) ? "nothing bridged"
          : fmt("%.0f ms to the bridge", firstMean), firstSeconds));
      warnings.add(fmt("the window starts behind: in its first %.0f s %s (last %.0f s: %s). It holds the backlog of the"
              + " ramp before it, or the pipeline cannot keep up: lengthen --warmup, and do not quote its figures as a"
              + " steady state.", firstSeconds, behind, lastSeconds,
          Double.isNaN(lastMean) ? "nothing bridged" : fmt("%.0f ms", lastMean)));
    }
    if (aboveSchedule) {
      reasons.add(fmt("produced %.0f/s above the schedule's %.0f/s", producedMax, expected));
      warnings.add(fmt("in a progress interval of the window the vehicles produced %.0f/s, above their schedule of %.0f/s"
          + " by more than %.0f%% and one interval's positions: they were replaying moves they had missed.", producedMax,
          expected, PRODUCED_TOLERANCE * 100));
    }
    return new Backlog(firstSeconds, firstMean, lastMean, lastSeconds, producedMax, allowedAtMax, reasons, warnings);
  }

  boolean found() {
    return !reasons.isEmpty();
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("found", found())
        .put("firstSeconds", round(firstSeconds))
        .put("bridgeMeanFirstMs", Double.isNaN(bridgeMeanFirstMs) ? null : round(bridgeMeanFirstMs))
        .put("lastSeconds", round(lastSeconds))
        .put("bridgeMeanLastMs", Double.isNaN(bridgeMeanLastMs) ? null : round(bridgeMeanLastMs))
        .put("producedMaxPerSecond", round(producedMaxPerSecond))
        .put("producedAllowedPerSecond", round(producedAllowedPerSecond))
        .put("warnings", new JsonArray(warnings));
  }

  /** Mean time from a position's timestamp to its publication by the bridge between two readings; NaN if none. */
  private static double bridgeMeanMs(Metering.Reading from, Metering.Reading to) {
    long count = to.latencyCount() - from.latencyCount();
    return count == 0 ? Double.NaN : (to.latencyTotalMs() - from.latencyTotalMs()) / count;
  }

  private static double seconds(Metering.Reading from, Metering.Reading to) {
    return Math.max(1e-9, (to.nanos() - from.nanos()) / 1e9);
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
