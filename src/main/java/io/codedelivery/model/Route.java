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

  /** Length of the whole route in metres. */
  public double lengthMetres() {
    double total = 0;
    for (int i = 1; i < points.size(); i++) {
      total += points.get(i - 1).metresTo(points.get(i));
    }
    return total;
  }

  public JsonObject toJson() {
    JsonArray track = new JsonArray();
    points.forEach(p -> track.add(p.toJson()));
    return new JsonObject()
        .put("id", id)
        .put("title", title)
        .put("startPosition", start().toJson())
        .put("endPosition", end().toJson())
        .put("lengthMetres", Math.round(lengthMetres()))
        .put("points", track);
  }
}
