package io.codedelivery.bench;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/** A latency histogram as a line of text, for the load processes' reports to the benchmark. */
final class HistogramText {
  /**
   * A floor on the highest value: an auto-resized histogram's header can trail its counts, and decoding one without
   * room for them threw (ArrayIndexOutOfBounds at 131 ms) and lost every report after it in one run.
   */
  private static final long DECODE_FLOOR_MICROS = TimeUnit.HOURS.toMicros(1);

  private HistogramText() {
  }

  static String encode(Histogram histogram) {
    ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
    int length = histogram.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
  }

  static Histogram decode(String text) throws DataFormatException {
    return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(text)), DECODE_FLOOR_MICROS);
  }
}
