package io.codedelivery.export;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.Optional;

/** The file formats a track is exported in, by the extension its URL ends with. */
public enum TrackFormat {
  GPX("gpx", "application/gpx+xml"),
  KML("kml", "application/vnd.google-earth.kml+xml"),
  CSV("csv", "text/csv; charset=utf-8"),
  GEOJSON("geojson", "application/geo+json");

  private final String extension;
  private final String contentType;

  TrackFormat(String extension, String contentType) {
    this.extension = extension;
    this.contentType = contentType;
  }

  public String extension() {
    return extension;
  }

  public String contentType() {
    return contentType;
  }

  public static Optional<TrackFormat> ofExtension(String extension) {
    return Arrays.stream(values()).filter(f -> f.extension.equals(extension)).findFirst();
  }

  /** @param name what the track is called in the file */
  public TrackWriter writer(OutputStream out, String deliveryId, String name) {
    return switch (this) {
      case GPX -> new GpxWriter(out, deliveryId, name);
      case KML -> new KmlWriter(out, deliveryId, name);
      case CSV -> new CsvWriter(out, deliveryId, name);
      case GEOJSON -> new GeoJsonWriter(out, deliveryId, name);
    };
  }
}
