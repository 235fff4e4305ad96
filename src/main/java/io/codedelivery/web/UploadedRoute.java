package io.codedelivery.web;

import io.codedelivery.model.LatLon;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A route as read from an uploaded file, before it has an id: its name when the file gives one, and its points. The
 * checks both formats share live here, so a GeoJSON and a GPX file are refused for the same things in the same words.
 */
record UploadedRoute(String name, List<LatLon> points) {
  static final int MAX_NAME_CHARS = 200;
  private static final Pattern SPACES = Pattern.compile("[\\s\\p{Cntrl}]+");

  /**
   * @param name   the file's name for the route, or null
   * @param points every point read, at most one beyond the limit (a reader stops keeping points there)
   */
  static UploadedRoute of(String name, List<LatLon> points, int maxPoints) {
    if (points.size() > maxPoints) {
      throw new RouteFormatException("the route has more than " + maxPoints + " points, the most an upload may have");
    }
    if (points.size() < 2) {
      throw new RouteFormatException("a route needs at least 2 points; this one has " + points.size());
    }
    return new UploadedRoute(cleanName(name), List.copyOf(points));
  }

  /** One line of at most {@link #MAX_NAME_CHARS} characters, or null when nothing is left of it. */
  private static String cleanName(String name) {
    if (name == null) {
      return null;
    }
    String line = SPACES.matcher(name).replaceAll(" ").strip();
    if (line.isEmpty()) {
      return null;
    }
    return line.length() <= MAX_NAME_CHARS ? line : line.substring(0, MAX_NAME_CHARS - 1) + "…";
  }

  /**
   * A point whose coordinates are finite degrees within range.
   *
   * @param where the point as the file's reader names it, e.g. {@code coordinates[3]} or {@code track point 4}
   */
  static LatLon point(String where, double lat, double lon) {
    if (!Double.isFinite(lat) || !Double.isFinite(lon)) {
      throw new RouteFormatException(where + ": coordinates must be finite numbers");
    }
    if (lat < -90 || lat > 90) {
      throw new RouteFormatException(where + ": latitude " + lat + " is outside -90..90");
    }
    if (lon < -180 || lon > 180) {
      throw new RouteFormatException(where + ": longitude " + lon + " is outside -180..180");
    }
    return new LatLon(lat, lon);
  }
}
