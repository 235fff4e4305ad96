package io.codedelivery.web;

import io.codedelivery.model.Fields;
import io.codedelivery.model.LatLon;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a route from GeoJSON (RFC 7946): a LineString geometry, a Feature holding one (its {@code properties.name}
 * names the route), or a FeatureCollection of exactly one such Feature, as geojson.io saves a drawn line. Positions
 * are {@code [longitude, latitude]} in that order, with an optional elevation (ignored).
 */
final class GeoJsonRoutes {
  private GeoJsonRoutes() {
  }

  /** @throws RouteFormatException saying what is wrong and where */
  static UploadedRoute parse(Buffer body, int maxPoints) {
    JsonObject root = object(body);
    String type = root.getValue("type") instanceof String name ? name : null;
    if ("FeatureCollection".equals(type)) {
      return collection(root, maxPoints);
    }
    if ("Feature".equals(type)) {
      return feature(root, "the Feature", maxPoints);
    }
    return UploadedRoute.of(null, lineString(root, "the GeoJSON object", maxPoints), maxPoints);
  }

  private static JsonObject object(Buffer body) {
    Object parsed;
    try {
      parsed = body.toJsonValue();
    } catch (DecodeException e) {
      throw new RouteFormatException("the body is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (!(parsed instanceof JsonObject object)) {
      throw new RouteFormatException("the body must be a GeoJSON object (a LineString, a Feature or a FeatureCollection)");
    }
    return object;
  }

  private static UploadedRoute collection(JsonObject collection, int maxPoints) {
    if (!(collection.getValue("features") instanceof JsonArray features)) {
      throw new RouteFormatException("the FeatureCollection has no 'features' array");
    }
    if (features.size() != 1) {
      throw new RouteFormatException("the FeatureCollection must hold exactly one Feature (the route); it holds " + features.size());
    }
    if (!(features.getValue(0) instanceof JsonObject feature) || !"Feature".equals(feature.getValue("type"))) {
      throw new RouteFormatException("features[0] must be a Feature");
    }
    return feature(feature, "features[0]", maxPoints);
  }

  private static UploadedRoute feature(JsonObject feature, String where, int maxPoints) {
    if (!(feature.getValue("geometry") instanceof JsonObject geometry)) {
      throw new RouteFormatException(where + " has no geometry; a route is a LineString geometry");
    }
    String name = feature.getValue("properties") instanceof JsonObject properties && properties.getValue("name") instanceof String text
        ? text : null;
    return UploadedRoute.of(name, lineString(geometry, where + "'s geometry", maxPoints), maxPoints);
  }

  private static List<LatLon> lineString(JsonObject geometry, String where, int maxPoints) {
    Object type = geometry.getValue("type");
    if (!"LineString".equals(type)) {
      throw new RouteFormatException(where + " is " + (type instanceof String name ? "a " + Fields.abbreviate(name) : "of no GeoJSON type")
          + "; a route must be a LineString (or a Feature or FeatureCollection holding one)");
    }
    if (!(geometry.getValue("coordinates") instanceof JsonArray coordinates)) {
      throw new RouteFormatException("the LineString has no 'coordinates' array");
    }
    // Beyond the limit nothing more is read: the caller refuses the route for its length.
    int kept = Math.min(coordinates.size(), maxPoints + 1);
    List<LatLon> points = new ArrayList<>(kept);
    for (int i = 0; i < kept; i++) {
      points.add(position(coordinates.getValue(i), "coordinates[" + i + "]"));
    }
    return points;
  }

  /** RFC 7946 § 3.1.1: longitude first, then latitude. */
  private static LatLon position(Object value, String where) {
    if (!(value instanceof JsonArray position) || position.size() < 2
        || !(position.getValue(0) instanceof Number lon) || !(position.getValue(1) instanceof Number lat)) {
      throw new RouteFormatException(where + " must be a position [longitude, latitude] of numbers");
    }
    return UploadedRoute.point(where, lat.doubleValue(), lon.doubleValue());
  }

  private static String firstLine(String message) {
    String line = message == null ? "" : message.lines().findFirst().orElse("");
    return line.length() <= 160 ? line : line.substring(0, 160) + "…";
  }
}
