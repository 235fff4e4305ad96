package io.codedelivery.export;

import io.codedelivery.model.LatLon;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a track says about a trip, from its points in seq order, each added once ({@link #add}), then {@link #figures()}.
 * All times are the points' own (a device's fix times), never when they were stored.
 *
 * <ul>
 *   <li>distance: the sum of the great-circle steps between consecutive points;</li>
 *   <li>duration: first point to last; average speed: distance over duration;</li>
 *   <li>top speed: the highest speed the device reported when it reported any; otherwise the highest speed over
 *   stretches of at least {@link #SPEED_WINDOW} (consecutive steps joined until they span it), so that two fixes a few
 *   milliseconds apart, or a GPS jump between them, cannot make up a speed no vehicle drove;</li>
 *   <li>stops: every stay within {@link #STOP_RADIUS_METRES} of where it began lasting at least {@link #MIN_STOP},
 *   from its first point to its last point inside the circle, placed at the mean of those points.</li>
 * </ul>
 */
public final class TrackSummary {
  public static final double STOP_RADIUS_METRES = 30;
  public static final Duration MIN_STOP = Duration.ofMinutes(2);
  public static final Duration SPEED_WINDOW = Duration.ofSeconds(1);
  private static final double KMH_PER_METRE_PER_SECOND = 3.6;

  private long count;
  private TrackPoint first;
  private TrackPoint previous;
  private double metres;
  private double topReported = -1;
  private double topMeasured = -1;
  private TrackPoint windowStart;
  private double windowMetres;
  private Stay stay;
  private final List<Stop> stops = new ArrayList<>();

  /** A stop: where the vehicle stood and from when to when. */
  public record Stop(Instant from, Instant to, LatLon position) {
    public long durationSeconds() {
      return Duration.between(from, to).toSeconds();
    }

    public JsonObject toJson() {
      return new JsonObject().put("from", from.toString()).put("to", to.toString())
          .put("durationSeconds", durationSeconds()).put("position", position.toJson());
    }
  }

  /**
   * The trip in figures; speeds in km/h, null when the track cannot tell (no time passed; no speed reported and no
   * two points a second apart).
   */
  public record Figures(long points, double distanceMetres, long durationSeconds, Double averageSpeedKmh, Double topSpeedKmh,
                        List<Stop> stops) {
    public JsonObject toJson() {
      JsonArray stopsJson = new JsonArray();
      stops.forEach(s -> stopsJson.add(s.toJson()));
      return new JsonObject().put("distanceMetres", Math.round(distanceMetres)).put("durationSeconds", durationSeconds)
          .put("averageSpeedKmh", averageSpeedKmh).put("topSpeedKmh", topSpeedKmh)
          .put("stops", stopsJson).put("stopCount", stops.size());
    }
  }

  /** Points around where a stay began, for as long as they keep within the radius of its first. */
  private static final class Stay {
    private final TrackPoint anchor;
    private TrackPoint last;
    private double latSum;
    private double lonSum;
    private int points;

    Stay(TrackPoint anchor) {
      this.anchor = anchor;
      take(anchor);
    }

    boolean holds(TrackPoint point) {
      return anchor.position().metresTo(point.position()) <= STOP_RADIUS_METRES;
    }

    void take(TrackPoint point) {
      last = point;
      latSum += point.position().lat();
      lonSum += point.position().lon();
      points++;
    }

    Stop asStop() {
      boolean longEnough = Duration.between(anchor.time(), last.time()).compareTo(MIN_STOP) >= 0;
      return longEnough ? new Stop(anchor.time(), last.time(), new LatLon(latSum / points, lonSum / points)) : null;
    }
  }

  public void add(TrackPoint point) {
    count++;
    if (previous == null) {
      first = point;
      windowStart = point;
    } else {
      double step = previous.position().metresTo(point.position());
      metres += step;
      measureSpeed(point, step);
    }
    if (point.speed() != null) {
      topReported = Math.max(topReported, point.speed());
    }
    if (stay != null && stay.holds(point)) {
      stay.take(point);
    } else {
      endStay();
      stay = new Stay(point);
    }
    previous = point;
  }

  private void measureSpeed(TrackPoint point, double step) {
    windowMetres += step;
    long millis = Duration.between(windowStart.time(), point.time()).toMillis();
    if (millis >= SPEED_WINDOW.toMillis()) {
      topMeasured = Math.max(topMeasured, windowMetres * 1000 / millis);
    }
    if (millis >= SPEED_WINDOW.toMillis() || millis < 0) {
      windowStart = point;
      windowMetres = 0;
    }
  }

  private void endStay() {
    Stop stop = stay == null ? null : stay.asStop();
    if (stop != null) {
      stops.add(stop);
    }
    stay = null;
  }

  /** The figures of every point added; no point may be added after. */
  public Figures figures() {
    endStay();
    long seconds = first == null ? 0 : Math.max(0, Duration.between(first.time(), previous.time()).toSeconds());
    Double average = seconds == 0 ? null : kmh(metres / seconds);
    double top = topReported >= 0 ? topReported : topMeasured;
    return new Figures(count, metres, seconds, average, top >= 0 ? kmh(top) : null, List.copyOf(stops));
  }

  /** In km/h to one decimal. */
  private static double kmh(double metresPerSecond) {
    return Math.round(metresPerSecond * KMH_PER_METRE_PER_SECOND * 10) / 10.0;
  }
}
