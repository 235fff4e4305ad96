package io.codedelivery.model;

import io.vertx.core.json.JsonObject;

/** A point on the map; {@code {"lat":…,"lon":…}} is the form Elasticsearch maps directly as a geo_point. */
public record LatLon(double lat, double lon) {
  static final double EARTH_RADIUS_METRES = 6_371_008.8;

  public JsonObject toJson() {
    return new JsonObject().put("lat", lat).put("lon", lon);
  }

  public static LatLon fromJson(JsonObject json) {
    return new LatLon(Fields.number(json, "lat", -90, 90), Fields.number(json, "lon", -180, 180));
  }

  /** Great-circle distance in metres (haversine). */
  public double metresTo(LatLon other) {
    double dLat = Math.toRadians(other.lat - lat);
    double dLon = Math.toRadians(other.lon - lon);
    double a = Math.pow(Math.sin(dLat / 2), 2)
        + Math.cos(Math.toRadians(lat)) * Math.cos(Math.toRadians(other.lat)) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * EARTH_RADIUS_METRES * Math.asin(Math.sqrt(a));
  }
}
