package io.codedelivery.simulation;

import io.codedelivery.metrics.PipelineMetrics;
import java.util.Locale;
import java.util.Optional;

/**
 * The vehicle moves the simulation skips because it fell behind its {@link Timetable}: counted in
 * {@code codedelivery_simulation_moves_skipped_total} by cause, and summed up in one warning at most every
 * {@link #WARN_EVERY_NANOS}, since an overloaded process skips thousands a second and a line each would add to the load.
 */
final class SkippedMoves {
  static final String LATE = "late";
  static final String UNACKNOWLEDGED = "unacknowledged";
  static final long WARN_EVERY_NANOS = 10_000_000_000L;

  private final PipelineMetrics metrics;
  private long late;
  private long unacknowledged;
  private long latestServedNanos;
  private long lastWarningNanos;
  private boolean warnedOnce;

  SkippedMoves(PipelineMetrics metrics) {
    this.metrics = metrics;
  }

  /** Moves of turns skipped for coming more than an interval late. */
  void late(long moves) {
    if (moves > 0) {
      late += moves;
      metrics.simulationMovesSkipped(LATE, moves);
    }
  }

  /** A vehicle's turn came while Kafka had not acknowledged its previous position yet. */
  void unacknowledged() {
    unacknowledged++;
    metrics.simulationMovesSkipped(UNACKNOWLEDGED, 1);
  }

  /** A turn served {@code lateNanos} after it was due. */
  void served(long lateNanos) {
    latestServedNanos = Math.max(latestServedNanos, lateNanos);
  }

  /**
   * The warning to log now, if moves were skipped since the last one and that was at least {@link #WARN_EVERY_NANOS}
   * ago; it starts the next period.
   */
  Optional<String> warningDue(long nowNanos) {
    if (late + unacknowledged == 0 || warnedOnce && nowNanos - lastWarningNanos < WARN_EVERY_NANOS) {
      return Optional.empty();
    }
    String since = warnedOnce ? String.format(Locale.ROOT, "in the last %d s", (nowNanos - lastWarningNanos) / 1_000_000_000L) : "so far";
    String warning = String.format(Locale.ROOT,
        "The simulation is behind its schedule: %d vehicle moves skipped %s (%d of turns that came more than an interval"
            + " late, %d of vehicles whose previous position Kafka had not acknowledged yet; turns served up to %d ms late)."
            + " Vehicles go on from where they are, one point per turn, and produce less than scheduled until it keeps up",
        late + unacknowledged, since, late, unacknowledged, latestServedNanos / 1_000_000);
    late = 0;
    unacknowledged = 0;
    latestServedNanos = 0;
    lastWarningNanos = nowNanos;
    warnedOnce = true;
    return Optional.of(warning);
  }
}
