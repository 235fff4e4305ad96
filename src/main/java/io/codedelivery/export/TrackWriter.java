package io.codedelivery.export;

import java.io.OutputStream;
import java.math.BigDecimal;

/**
 * Writes one track file to a stream as its points arrive: {@link #begin()}, then for each of {@link #passes()} passes
 * over the same points {@link #beginPass(int)}, every point in seq order ({@link #point}), {@link #endPass()}; then
 * {@link #end()}. The caller gives every pass the same points (the later passes stop at the first pass's last seq, so
 * a track still growing cannot make the lists differ) and may take the bytes written so far after any call.
 */
public abstract class TrackWriter {
  protected final OutputStream out;
  protected final String deliveryId;
  protected final String name;
  private final int passes;
  private int pass = -1;
  private long firstPassPoints;
  private long pointsThisPass;
  private TrackPoint firstOfPass;

  /**
   * @param name what the track is called in the file (the delivery's reference, else its title, else its id);
   *     checked to be text an XML file can hold by the XML formats
   * @param passes how many times the format reads the track: once per list of the same points its file holds
   */
  protected TrackWriter(OutputStream out, String deliveryId, String name, int passes) {
    this.out = out;
    this.deliveryId = deliveryId;
    this.name = name;
    this.passes = passes;
  }

  /** How many times the caller goes through the track; each pass writes another list of the same points. */
  public final int passes() {
    return passes;
  }

  public abstract void begin();

  public final void beginPass(int number) {
    pass = number;
    pointsThisPass = 0;
    onPassStart(number);
  }

  public final void point(TrackPoint point) {
    if (pointsThisPass == 0) {
      firstOfPass = point;
    }
    onPoint(pass, pointsThisPass, point);
    pointsThisPass++;
  }

  public final void endPass() {
    onPassEnd(pass, pointsThisPass);
    if (pass == 0) {
      firstPassPoints = pointsThisPass;
    }
  }

  public abstract void end();

  /** Pushes what was written so far to the stream, so that the caller can send it. */
  public void flush() {
  }

  protected void onPassStart(int pass) {
  }

  /** @param index the point's place in this pass, from 0 */
  protected abstract void onPoint(int pass, long index, TrackPoint point);

  protected void onPassEnd(int pass, long points) {
  }

  /**
   * The one point of this pass when it had exactly one, else null: a line (KML's, GeoJSON's) needs two positions, so
   * a one-point track's line repeats it.
   */
  protected final TrackPoint onlyPointOfPass() {
    return pointsThisPass == 1 ? firstOfPass : null;
  }

  /** The number of points of the track (known once the first pass is over). */
  protected final long pointCount() {
    return firstPassPoints;
  }

  /** Decimal notation, never exponent notation (1.0E-4), which GPX's xsd:decimal and most CSV readers refuse. */
  protected static String plain(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
