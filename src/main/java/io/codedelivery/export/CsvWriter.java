package io.codedelivery.export;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One line per point: {@code seq,time,lat,lon,speed,heading,accuracy,battery} (speed m/s, heading degrees from
 * north, accuracy metres, battery percent; empty when the device did not report it).
 */
final class CsvWriter extends TrackWriter {
  static final List<String> HEADER = List.of("seq", "time", "lat", "lon", "speed", "heading", "accuracy", "battery");

  CsvWriter(OutputStream out, String deliveryId, String name) {
    super(out, deliveryId, name, 1);
  }

  @Override
  public void begin() {
    write(HEADER);
  }

  @Override
  protected void onPoint(int pass, long index, TrackPoint point) {
    write(Arrays.asList(Long.toString(point.seq()), point.time().toString(), plain(point.position().lat()),
        plain(point.position().lon()), optional(point.speed()), optional(point.heading()), optional(point.accuracy()),
        optional(point.battery())));
  }

  private static String optional(Double value) {
    return value == null ? null : plain(value);
  }

  private void write(List<String> fields) {
    try {
      out.write(Csv.line(fields).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void end() {
    // nothing closes a CSV file
  }
}
