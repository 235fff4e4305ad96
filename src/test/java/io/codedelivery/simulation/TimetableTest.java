package io.codedelivery.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.Direction;
import io.codedelivery.model.LatLon;
import io.codedelivery.model.Position;
import io.codedelivery.model.Route;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.kafka.client.common.TopicPartition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The timetable on a clock the test sets, with drivers whose positions Kafka acknowledges when the test says: the
 * timer's firings are those a fixed-rate Vert.x timer makes, on time or owed after a hold-up and run back to back.
 */
class TimetableTest {
  private static final long INTERVAL_MS = 500;
  private static final long SLOT_NANOS = INTERVAL_MS / 10 * 1_000_000;
  private static final long ORIGIN = 1_000_000_000L;
  private static final Route ROUTE = new Route("r", "Forty points",
      IntStream.range(0, 40).mapToObj(i -> new LatLon(-15.8 + i * 0.001, -47.9)).toList());

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SkippedMoves skipped = new SkippedMoves(new PipelineMetrics(registry));
  private final Timetable timetable = new Timetable(INTERVAL_MS, ORIGIN, skipped);
  private final List<Driver> drivers = new ArrayList<>();
  private final Map<Driver, List<Position>> sent = new HashMap<>();
  /** Whether Kafka acknowledges a position as soon as it is sent. */
  private boolean acknowledging = true;
  /** The timer's next firing: the number of slots since it was set. */
  private long firing = 1;

  @Test
  void slotsDivideTheIntervalExactlySoVehiclesKeepItsPace() {
    assertThat(Timetable.slotsFor(500)).isEqualTo(10);
    assertThat(Timetable.slotsFor(105)).isEqualTo(7);
    assertThat(Timetable.slotsFor(25)).isEqualTo(1);
    assertThat(Timetable.slotsFor(60)).isEqualTo(6);
    assertThat(Timetable.slotsFor(10)).isEqualTo(1);
    for (long interval = 10; interval <= 2_000; interval++) {
      int slots = Timetable.slotsFor(interval);
      assertThat(interval % slots).isZero();
      assertThat(slots == 1 || interval / slots >= 10).isTrue();
    }
  }

  @Test
  void onTimeEveryVehicleMovesOncePerIntervalInItsOwnSlot() {
    addDrivers(20);

    fireOnTime(30);

    assertThat(drivers).allSatisfy(driver -> assertThat(seqsSent(driver)).containsExactly(0L, 1L, 2L));
    // Two vehicles per slot: each firing sends two positions, not twenty.
    assertThat(drivers).extracting(Driver::slot).containsOnly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(movesSkipped()).isZero();
  }

  @Test
  void aTimerHeldUpForThreeIntervalsMovesEachVehicleOnceNotThreeTimesAndItGoesOnFromItsNextPoint() {
    addDrivers(20);
    fireOnTime(10);

    // The event loop is held up for three intervals: the 30 firings it owes run back to back when it is free again.
    long freeAgain = ORIGIN + (firing + 29) * SLOT_NANOS;
    for (int i = 0; i < 30; i++) {
      fireAt(freeAgain);
    }
    assertThat(drivers).allSatisfy(driver -> assertThat(seqsSent(driver)).containsExactly(0L, 1L));
    fireOnTime(10);

    assertThat(drivers).allSatisfy(driver -> {
      assertThat(seqsSent(driver)).containsExactly(0L, 1L, 2L);
      assertThat(sent.get(driver)).extracting(Position::position).containsExactlyElementsOf(ROUTE.points().subList(0, 3));
    });
    // The two intervals more than an interval old: two moves of each of the 20 vehicles.
    assertThat(movesSkipped(SkippedMoves.LATE)).isEqualTo(40);
    assertThat(skipped.warningDue(freeAgain)).hasValueSatisfying(warning -> assertThat(warning)
        .contains("40 vehicle moves skipped").contains("40 of turns that came more than an interval late"));
  }

  @Test
  void aHoldUpShorterThanAnIntervalDelaysMovesButSkipsNone() {
    addDrivers(20);
    fireOnTime(10);

    long freeAgain = ORIGIN + (firing + 6) * SLOT_NANOS + SLOT_NANOS / 2;
    for (int i = 0; i < 7; i++) {
      fireAt(freeAgain);
    }
    fireOnTime(3);

    assertThat(drivers).allSatisfy(driver -> assertThat(seqsSent(driver)).containsExactly(0L, 1L));
    assertThat(movesSkipped()).isZero();
    assertThat(skipped.warningDue(freeAgain)).isEmpty();
  }

  @Test
  void aVehicleWhosePositionKafkaHasNotAcknowledgedSkipsItsTurnAndThenSendsItsNextPoint() {
    addDrivers(1);
    acknowledging = false;
    fireOnTime(10);
    fireOnTime(10);

    Driver driver = drivers.get(0);
    assertThat(seqsSent(driver)).containsExactly(0L);
    assertThat(movesSkipped(SkippedMoves.UNACKNOWLEDGED)).isEqualTo(1);

    driver.sending(false);
    driver.acknowledged();
    fireOnTime(10);
    assertThat(seqsSent(driver)).containsExactly(0L, 1L);
  }

  @Test
  void theWarningComesAtOnceThenAtMostEveryTenSecondsAndOnlyWhenMovesWereSkipped() {
    long t = ORIGIN;
    assertThat(skipped.warningDue(t)).isEmpty();
    skipped.late(5);
    assertThat(skipped.warningDue(t)).hasValueSatisfying(warning -> assertThat(warning).contains("5 vehicle moves skipped so far"));

    skipped.unacknowledged();
    assertThat(skipped.warningDue(t + SkippedMoves.WARN_EVERY_NANOS - 1)).isEmpty();
    skipped.late(2);
    assertThat(skipped.warningDue(t + SkippedMoves.WARN_EVERY_NANOS)).hasValueSatisfying(warning -> assertThat(warning)
        .contains("3 vehicle moves skipped in the last 10 s").contains("2 of turns").contains("1 of vehicles"));

    assertThat(skipped.warningDue(t + 5 * SkippedMoves.WARN_EVERY_NANOS)).isEmpty();
    assertThat(movesSkipped()).isEqualTo(8);
  }

  private void addDrivers(int count) {
    for (int i = 0; i < count; i++) {
      Driver driver = new Driver(new Direction("d" + i, ROUTE.id(), null, Instant.EPOCH), ROUTE,
          new TopicPartition("route.new-direction", 0), i, timetable.assignSlot());
      driver.ready();
      drivers.add(driver);
    }
  }

  /** The timer's next {@code count} firings, each when it is due. */
  private void fireOnTime(int count) {
    for (int i = 0; i < count; i++) {
      fireAt(ORIGIN + firing * SLOT_NANOS);
    }
  }

  private void fireAt(long nanos) {
    firing++;
    timetable.fire(nanos, drivers, driver -> {
      sent.computeIfAbsent(driver, d -> new ArrayList<>()).add(driver.nextFix(Instant.EPOCH.plusNanos(nanos)).simulatedPosition());
      driver.sending(true);
      if (acknowledging) {
        driver.sending(false);
        driver.acknowledged();
      }
    });
  }

  private List<Long> seqsSent(Driver driver) {
    return sent.getOrDefault(driver, List.of()).stream().map(Position::seq).toList();
  }

  private long movesSkipped(String cause) {
    var counter = registry.find(PipelineMetrics.SIMULATION_MOVES_SKIPPED).tag("cause", cause).counter();
    return counter == null ? 0 : (long) counter.count();
  }

  private long movesSkipped() {
    return LongStream.of(movesSkipped(SkippedMoves.LATE), movesSkipped(SkippedMoves.UNACKNOWLEDGED)).sum();
  }
}
