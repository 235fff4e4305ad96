package io.codedelivery.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** A route of the catalogue: the points a vehicle drives through, in order. */
public record Route(String id, String title, List<LatLon> points) {

  public Route {
    if (points.size() < 2) {
      throw new IllegalArgumentException("route " + id + " needs at least 2 points, has " + points.size());
    }
    points = List.copyOf(points);
  }

  public LatLon start() {
    return points.get(0);
  }

  public LatLon end() {
    return points.get(points.size() - 1);
  }

  /** Metres driven along the route on reaching each point: 0 at the first, the route's length at the last. */
  public double[] cumulativeMetres() {
    double[] cumulative = new double[points.size()];
    for (int i = 1; i < cumulative.length; i++) {
      cumulative[i] = cumulative[i - 1] + points.get(i - 1).metresTo(points.get(i));
    }
    return cumulative;
  }

  /** Length of the whole route in metres. */
  public double lengthMetres() {
    double[] cumulative = cumulativeMetres();
    return cumulative[cumulative.length - 1];
  }

  /**
   * Metres still to drive along the route from somewhere near it: to the route's point nearest that place, then
   * along the route to its end. A real vehicle is rarely exactly on a point; with points a few metres to a few tens
   * of metres apart (as the catalogue's are), the nearest point is as close as a phone's GPS is accurate.
   */
  public double metresRemainingFrom(LatLon here) {
    double remainingAfter = 0;
    double nearest = here.metresTo(end());
    double remainingAtNearest = 0;
    for (int i = points.size() - 2; i >= 0; i--) {
      remainingAfter += points.get(i).metresTo(points.get(i + 1));
      double distance = here.metresTo(points.get(i));
      if (distance < nearest) {
        nearest = distance;
        remainingAtNearest = remainingAfter;
      }
    }
    return nearest + remainingAtNearest;
  }

  /**
   * Metres from a place to the nearest point of the route's line (its points joined by straight segments), not just
   * to its nearest point: a vehicle between two points far apart is on the route. Each segment is measured on a flat
   * plane around it, exact to well under a metre over segments of a few kilometres.
   */
  public double metresFrom(LatLon here) {
    double nearest = Double.MAX_VALUE;
    for (int i = 0; i + 1 < points.size(); i++) {
      nearest = Math.min(nearest, metresFromSegment(here, points.get(i), points.get(i + 1)));
    }
    return nearest;
  }

  private static double metresFromSegment(LatLon here, LatLon from, LatLon to) {
    // Plane coordinates in metres with the place at the origin: x east, y north.
    double metresPerDegree = Math.PI * LatLon.EARTH_RADIUS_METRES / 180;
    double metresPerDegreeEast = metresPerDegree * Math.cos(Math.toRadians(here.lat()));
    double ax = (from.lon() - here.lon()) * metresPerDegreeEast;
    double ay = (from.lat() - here.lat()) * metresPerDegree;
    double bx = (to.lon() - here.lon()) * metresPerDegreeEast;
    double by = (to.lat() - here.lat()) * metresPerDegree;
    double dx = bx - ax;
    double dy = by - ay;
    double lengthSquared = dx * dx + dy * dy;
    // The segment's point nearest the origin, as a fraction of the way from its start (0 for a zero-length segment).
    double t = lengthSquared == 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / lengthSquared));
    return Math.hypot(ax + t * dx, ay + t * dy);
  }

  /** The wire form of the API: {@link #toBody()} with the id and the length. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).mergeIn(toBody()).put("lengthMetres", Math.round(lengthMetres()));
  }

  /**
   * Everything about the route but its id: title, ends and points. The catalogue stores this under the id, and the
   * API shows it next to the id, so both read it here.
   */
  public JsonObject toBody() {
    JsonArray track = new JsonArray();
    points.forEach(p -> track.add(p.toJson()));
    return new JsonObject()
        .put("title", title)
        .put("startPosition", start().toJson())
        .put("endPosition", end().toJson())
        .put("points", track);
  }

  /** The route with this id whose {@link #toBody() body} is given; the ends are read from the points. */
  public static Route fromBody(String id, JsonObject body) {
    List<LatLon> points = body.getJsonArray("points").stream()
        .map(p -> LatLon.fromJson((JsonObject) p))
        .toList();
    return new Route(id, body.getString("title"), points);
  }
}
