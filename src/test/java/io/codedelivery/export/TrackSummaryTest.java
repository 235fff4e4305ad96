package io.codedelivery.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.codedelivery.model.LatLon;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary's figures on tracks whose distance, times, speeds and stops are known by construction. */
class TrackSummaryTest {
  private static final Instant START = Instant.parse("2026-11-30T10:00:00Z");
  /** About 111.2 m of latitude. */
  private static final double DEGREES_PER_111_M = 0.001;
  private long seq;

  private TrackPoint at(long secondsFromStart, double northMetres, Double speed) {
    return new TrackPoint(seq++, START.plusMillis(secondsFromStart), new LatLon(-15.8 + northMetres / 111_195.0, -47.9), speed, null, null, null);
  }

  private static TrackSummary.Figures summary(List<TrackPoint> points) {
    TrackSummary summary = new TrackSummary();
    points.forEach(summary::add);
    return summary.figures();
  }

  @Test
  void aStraightDriveAtTenMetresASecondHasItsLengthDurationAndSpeeds() {
    List<TrackPoint> points = new ArrayList<>();
    for (int i = 0; i <= 60; i++) {
      points.add(at(i * 10_000L, i * 100.0, null));
    }

    TrackSummary.Figures figures = summary(points);

    assertThat(figures.distanceMetres()).isCloseTo(6_000, within(1.0));
    assertThat(figures.durationSeconds()).isEqualTo(600);
    assertThat(figures.averageSpeedKmh()).isCloseTo(36.0, within(0.1));
    assertThat(figures.topSpeedKmh()).isCloseTo(36.0, within(0.1));
    assertThat(figures.stops()).isEmpty();
    assertThat(figures.points()).isEqualTo(61);
  }

  @Test
  void reportedSpeedsGiveTheTopSpeedWhenThereAreAny() {
    List<TrackPoint> points = List.of(at(0, 0, 5.0), at(10_000, 100, 12.5), at(20_000, 200, 9.0));

    assertThat(summary(points).topSpeedKmh()).isEqualTo(45.0);
  }

  @Test
  void fixesMillisecondsApartOrAGpsJumpBetweenThemDoNotMakeUpATopSpeed() {
    // 10 m/s throughout, but two fixes 50 ms apart 30 m from each other (600 m/s between them).
    List<TrackPoint> points = List.of(at(0, 0, null), at(10_000, 100, null), at(10_050, 130, null), at(20_000, 230, null));

    assertThat(summary(points).topSpeedKmh()).isLessThan(50.0);
  }

  @Test
  void pointsOnlyMillisecondsApartStillGiveASpeedOverEachFullSecond() {
    // A simulated vehicle at a fast interval: a point every 20 ms, 0.2 m apart (10 m/s).
    List<TrackPoint> points = new ArrayList<>();
    for (int i = 0; i <= 500; i++) {
      points.add(at(i * 20L, i * 0.2, null));
    }

    assertThat(summary(points).topSpeedKmh()).isCloseTo(36.0, within(0.5));
  }

  @Test
  void aStayWithinThirtyMetresForTwoMinutesIsAStopAndAShorterOneIsNot() {
    List<TrackPoint> points = new ArrayList<>();
    points.add(at(0, 0, null));
    points.add(at(30_000, 300, null));
    // Stands for 3 minutes, the fixes wandering by up to 10 m.
    for (int i = 0; i <= 18; i++) {
      points.add(at(60_000 + i * 10_000L, 1_000 + (i % 2) * 10, null));
    }
    // Drives on, then waits at a light for 90 s: not a stop.
    points.add(at(280_000, 1_500, null));
    points.add(at(370_000, 1_505, null));
    points.add(at(400_000, 2_000, null));

    TrackSummary.Figures figures = summary(points);

    assertThat(figures.stops()).hasSize(1);
    TrackSummary.Stop stop = figures.stops().get(0);
    assertThat(stop.from()).isEqualTo(START.plusSeconds(60));
    assertThat(stop.to()).isEqualTo(START.plusSeconds(240));
    assertThat(stop.durationSeconds()).isEqualTo(180);
    assertThat(stop.position().metresTo(new LatLon(-15.8 + 1_005 / 111_195.0, -47.9))).isLessThan(2.0);
    assertThat(figures.toJson().getInteger("stopCount")).isEqualTo(1);
  }

  @Test
  void aStopStillGoingOnAtTheEndOfTheTrackCounts() {
    List<TrackPoint> points = List.of(at(0, 0, null), at(60_000, 5, null), at(150_000, 3, null));

    assertThat(summary(points).stops()).hasSize(1);
  }

  @Test
  void anEmptyOrOnePointTrackHasNoDistanceDurationOrSpeed() {
    TrackSummary.Figures none = summary(List.of());
    TrackSummary.Figures one = summary(List.of(at(0, 0, null)));

    for (TrackSummary.Figures figures : List.of(none, one)) {
      assertThat(figures.distanceMetres()).isZero();
      assertThat(figures.durationSeconds()).isZero();
      assertThat(figures.averageSpeedKmh()).isNull();
      assertThat(figures.topSpeedKmh()).isNull();
      assertThat(figures.stops()).isEmpty();
    }
  }
}
