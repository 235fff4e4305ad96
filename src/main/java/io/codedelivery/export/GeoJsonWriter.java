package io.codedelivery.export;

import io.vertx.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * GeoJSON (RFC 7946): a FeatureCollection of one LineString Feature, the track as a GIS tool draws it, its points'
 * times in {@code properties.coordinateProperties.times} (the convention of Mapbox's togeojson, which geojson.io
 * and Leaflet plugins read), one per coordinate in the same order. Times are read in a first pass, coordinates in a
 * second, so the geometry is written knowing how many points there are: none gives a null geometry, one a line of
 * that point twice (a LineString has at least two positions).
 */
final class GeoJsonWriter extends TrackWriter {
  private static final int TIMES = 0;

  GeoJsonWriter(OutputStream out, String deliveryId, String name) {
    super(out, deliveryId, name, 2);
  }

  @Override
  public void begin() {
    write("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"deliveryId\":"
        + Json.encode(deliveryId) + ",\"name\":" + Json.encode(name) + ",\"coordinateProperties\":{\"times\":[");
  }

  @Override
  protected void onPassStart(int pass) {
    if (pass != TIMES) {
      write(pointCount() == 0 ? "]}},\"geometry\":null" : "]}},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[");
    }
  }

  @Override
  protected void onPoint(int pass, long index, TrackPoint point) {
    String separator = index == 0 ? "" : ",";
    if (pass == TIMES) {
      write(separator + '"' + point.time() + '"');
    } else {
      write(separator + position(point));
    }
  }

  private static String position(TrackPoint point) {
    return "[" + plain(point.position().lon()) + "," + plain(point.position().lat()) + "]";
  }

  @Override
  protected void onPassEnd(int pass, long points) {
    if (pass != TIMES && points > 0) {
      write((onlyPointOfPass() != null ? "," + position(onlyPointOfPass()) : "") + "]}");
    }
  }

  @Override
  public void end() {
    write("}]}");
  }

  private void write(String text) {
    try {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
