package io.codedelivery.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.model.DeliveryEvent;
import io.codedelivery.model.DeliveryEvent.Type;
import io.codedelivery.model.LatLon;
import io.codedelivery.model.Position;
import io.codedelivery.model.Route;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventRulesTest {
  private static final String ID = "6f1c2a4e-1b2c-4d5e-8f90-0123456789ab";
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  /** About 11.1 km east along the equator; a thousandth of a degree is about 111 m. */
  private static final Route ROUTE = new Route("1", "East", List.of(new LatLon(0, 0), new LatLon(0, 0.05), new LatLon(0, 0.1)));
  private static final LatLon DESTINATION = ROUTE.end();
  private final EventRules rules = new EventRules(new EventRules.Settings(500, Duration.ofMinutes(5), Duration.ofSeconds(300), 100, 3));

  private EventState deviceState(Instant promisedBy) {
    EventState state = new EventState(ID);
    state.facts = new DeliveryFacts(DESTINATION, ROUTE.id(), promisedBy);
    return state;
  }

  /** A device's fix at {@code lon} degrees along the route ({@code offNorth} degrees beside it), seq its fix time. */
  private static Position fix(int second, double lon, double offNorth, Instant eta) {
    Instant at = T0.plusSeconds(second);
    return new Position(ID, ROUTE.id(), null, at.toEpochMilli(), new LatLon(offNorth, lon), false, at.plusMillis(300),
        new Position.Fix("phone-1", at, 10.0, 90.0, 5.0, 80.0), new Position.Estimate(1000, 0.5, eta));
  }

  private static Position onRoute(int second, double lon) {
    return fix(second, lon, 0, null);
  }

  /** The arrival the tracking stage produces: finished, nothing left. */
  private static Position arrival(int second) {
    Instant at = T0.plusSeconds(second);
    return new Position(ID, ROUTE.id(), null, at.toEpochMilli(), DESTINATION, true, at.plusMillis(300),
        new Position.Fix("phone-1", at, 0.0, 90.0, 5.0, 80.0), new Position.Estimate(0, 1, at));
  }

  /** What the API produces for {@code /complete} (with an estimate) and {@code /cancel} (without): no fix time. */
  private static Position endedByOperator(int second, boolean completed) {
    Instant now = T0.plusSeconds(second);
    return new Position(ID, ROUTE.id(), null, now.toEpochMilli(), new LatLon(0, 0.02), true, now,
        new Position.Fix("phone-1", null, null, null, null, null), completed ? new Position.Estimate(0, 1, now) : null);
  }

  private List<DeliveryEvent> apply(EventState state, Position... positions) {
    List<DeliveryEvent> raised = new ArrayList<>();
    for (Position position : positions) {
      raised.addAll(rules.onPosition(state, position, Optional.ofNullable(state.facts.plannedRouteId()).map(id -> ROUTE)));
    }
    return raised;
  }

  private static List<Type> types(List<DeliveryEvent> events) {
    return events.stream().map(DeliveryEvent::type).toList();
  }

  @Test
  void theFirstPositionStartsTheDeliveryOnceAndItsArrivalDeliversIt() {
    EventState state = deviceState(null);
    Position first = onRoute(0, 0.001);
    List<DeliveryEvent> started = apply(state, first);
    assertThat(started).singleElement().satisfies(event -> {
      assertThat(event.type()).isEqualTo(Type.STARTED);
      assertThat(event.eventId()).isEqualTo(ID + ":started:" + first.seq());
      assertThat(event.at()).as("the fix time, not when the server received it").isEqualTo(T0);
      assertThat(event.position()).isEqualTo(first.position());
      assertThat(event.deliveryId()).isEqualTo(ID);
    });
    assertThat(apply(state, onRoute(10, 0.002), onRoute(20, 0.003))).isEmpty();
    List<DeliveryEvent> end = apply(state, arrival(3_000));
    assertThat(types(end)).containsExactly(Type.DELIVERED);
    assertThat(end.get(0).eventId()).isEqualTo(ID + ":delivered:" + arrival(3_000).seq());
    assertThat(state.enRoute()).isFalse();
    assertThat(apply(state, onRoute(3_010, 0.09), arrival(3_020))).as("nothing after the end").isEmpty();
  }

  @Test
  void anOperatorsCancelIsCancelledAndTheirCompleteIsDelivered() {
    EventState cancelled = deviceState(null);
    assertThat(types(apply(cancelled, onRoute(0, 0.001), endedByOperator(60, false)))).containsExactly(Type.STARTED, Type.CANCELLED);
    assertThat(endedByOperator(60, false).cancelled()).isTrue();

    EventState completed = deviceState(null);
    assertThat(types(apply(completed, onRoute(0, 0.001), endedByOperator(60, true)))).containsExactly(Type.STARTED, Type.DELIVERED);
    assertThat(endedByOperator(60, true).cancelled()).isFalse();
    assertThat(arrival(60).cancelled()).isFalse();

    EventState neverMoved = deviceState(null);
    assertThat(types(apply(neverMoved, endedByOperator(60, false))))
        .as("an operator's end is no sign of a vehicle having started").containsExactly(Type.CANCELLED);
  }

  @Test
  void onlyANewerPositionMovesTheStateAndLateOrRepeatedOnesRaiseNothing() {
    EventState state = deviceState(T0.plusSeconds(3_600));
    apply(state, onRoute(0, 0.001), onRoute(100, 0.002));
    long newest = state.newestSeq;
    // Late (an older fix) and repeated, each one that would otherwise raise something: off route, late, arriving.
    assertThat(apply(state, fix(50, 0.002, 0.01, T0.plusSeconds(7_200)), fix(100, 0.099, 0, T0.plusSeconds(7_200)))).isEmpty();
    assertThat(state.newestSeq).isEqualTo(newest);
    assertThat(state.late).isFalse();
    assertThat(state.arriving).isFalse();
  }

  @Test
  void arrivingIsRaisedOnceWithinTheNoticeDistanceAndNotOnTheArrivalItself() {
    EventState state = deviceState(null);
    apply(state, onRoute(0, 0.05));
    // About 444 m from the destination, then closer still.
    List<DeliveryEvent> near = apply(state, onRoute(600, 0.096));
    assertThat(types(near)).containsExactly(Type.ARRIVING);
    assertThat(apply(state, onRoute(610, 0.097), onRoute(620, 0.098))).isEmpty();
    assertThat(types(apply(state, arrival(700)))).containsExactly(Type.DELIVERED);

    EventState straightThere = deviceState(null);
    apply(straightThere, onRoute(0, 0.05));
    assertThat(types(apply(straightThere, arrival(700)))).as("not raised with or after delivered").containsExactly(Type.DELIVERED);
  }

  @Test
  void arrivingIsRaisedWhenTheEstimateIsWithinTheNoticeMinutesUnlessTheyAreZero() {
    EventState state = deviceState(null);
    apply(state, fix(0, 0.01, 0, T0.plusSeconds(1_000)));
    assertThat(types(apply(state, fix(10, 0.02, 0, T0.plusSeconds(10 + 300))))).containsExactly(Type.ARRIVING);

    EventRules byDistanceOnly = new EventRules(new EventRules.Settings(500, Duration.ZERO, Duration.ofSeconds(300), 100, 3));
    EventState other = deviceState(null);
    assertThat(types(byDistanceOnly.onPosition(other, fix(0, 0.02, 0, T0.plusSeconds(60)), Optional.of(ROUTE))))
        .containsExactly(Type.STARTED);
  }

  @Test
  void lateOnceWhenTheEstimatePassesThePromiseBackOnTimeWhenItNoLongerDoesAndLateAgainUnderANewId() {
    Instant promisedBy = T0.plusSeconds(1_800);
    EventState state = deviceState(promisedBy);
    apply(state, fix(0, 0.01, 0, T0.plusSeconds(1_700)));
    List<DeliveryEvent> late = apply(state, fix(10, 0.011, 0, T0.plusSeconds(1_900)));
    assertThat(types(late)).containsExactly(Type.LATE);
    assertThat(late.get(0).details().getString("promisedBy")).isEqualTo(promisedBy.toString());
    assertThat(late.get(0).details().getString("eta")).isEqualTo(T0.plusSeconds(1_900).toString());
    assertThat(apply(state, fix(20, 0.012, 0, T0.plusSeconds(2_000)), fix(30, 0.013, 0, null))).as("once while late").isEmpty();
    List<DeliveryEvent> back = apply(state, fix(40, 0.014, 0, T0.plusSeconds(1_750)));
    assertThat(types(back)).containsExactly(Type.BACK_ON_TIME);
    List<DeliveryEvent> lateAgain = apply(state, fix(50, 0.015, 0, T0.plusSeconds(1_850)));
    assertThat(types(lateAgain)).containsExactly(Type.LATE);
    assertThat(lateAgain.get(0).eventId()).isNotEqualTo(late.get(0).eventId());
  }

  @Test
  void withoutAnEstimateADeliveryNotThereWhenThePromisePassesIsLateAndOneDeliveredAfterItToo() {
    EventState standing = deviceState(T0.plusSeconds(60));
    apply(standing, fix(0, 0.01, 0, null));
    assertThat(apply(standing, fix(30, 0.01, 0, null))).as("before the promise, nothing is known").isEmpty();
    assertThat(types(apply(standing, fix(90, 0.01, 0, null)))).containsExactly(Type.LATE);

    EventState arrivedLate = deviceState(T0.plusSeconds(60));
    apply(arrivedLate, onRoute(0, 0.099));
    assertThat(types(apply(arrivedLate, arrival(120)))).as("late, then delivered, in that order")
        .containsExactly(Type.LATE, Type.DELIVERED);

    EventState cancelledLate = deviceState(T0.plusSeconds(60));
    apply(cancelledLate, onRoute(0, 0.01));
    assertThat(types(apply(cancelledLate, endedByOperator(120, false)))).containsExactly(Type.CANCELLED);
  }

  @Test
  void offRouteAfterEnoughConsecutiveFixesAwayAndBackOnRouteAfterAsManyWithin() {
    EventState state = deviceState(null);
    apply(state, onRoute(0, 0.001));
    // 0.002° north is about 222 m off; two away then one back do not make a deviation.
    assertThat(apply(state, fix(10, 0.002, 0.002, null), fix(20, 0.003, 0.002, null), onRoute(30, 0.004))).isEmpty();
    assertThat(apply(state, fix(40, 0.005, 0.002, null), fix(50, 0.006, 0.002, null))).isEmpty();
    List<DeliveryEvent> off = apply(state, fix(60, 0.007, 0.002, null));
    assertThat(types(off)).containsExactly(Type.OFF_ROUTE);
    assertThat(off.get(0).details().getLong("metresOffRoute")).isBetween(220L, 225L);
    assertThat(off.get(0).eventId()).isEqualTo(ID + ":off_route:" + fix(60, 0.007, 0.002, null).seq());
    // Still away, then within 100 m (0.0005° is about 56 m) for three fixes.
    assertThat(apply(state, fix(70, 0.008, 0.003, null), fix(80, 0.009, 0.0005, null), onRoute(90, 0.010))).isEmpty();
    List<DeliveryEvent> back = apply(state, onRoute(100, 0.011));
    assertThat(types(back)).containsExactly(Type.BACK_ON_ROUTE);
    assertThat(apply(state, onRoute(110, 0.012))).isEmpty();
  }

  @Test
  void withoutAPlannedRouteNothingIsOffRoute() {
    EventState state = new EventState(ID);
    state.facts = new DeliveryFacts(DESTINATION, null, null);
    assertThat(types(apply(state, fix(0, 0.001, 0.01, null), fix(10, 0.002, 0.01, null), fix(20, 0.003, 0.01, null),
        fix(30, 0.004, 0.01, null)))).containsExactly(Type.STARTED);
  }

  @Test
  void aSilenceEnRouteIsStalledOnceUnderTheLastPositionsSeqAndTheNextPositionResumes() {
    EventState state = deviceState(null);
    Position last = onRoute(0, 0.01);
    apply(state, last);
    Instant received = last.timestamp();
    assertThat(rules.onSilence(state, received.plusSeconds(299))).isEmpty();
    Instant noticed = received.plusSeconds(301);
    Optional<DeliveryEvent> stalled = rules.onSilence(state, noticed);
    assertThat(stalled).get().satisfies(event -> {
      assertThat(event.type()).isEqualTo(Type.STALLED);
      assertThat(event.eventId()).isEqualTo(ID + ":stalled:" + last.seq());
      assertThat(event.at()).isEqualTo(noticed);
      assertThat(event.position()).isEqualTo(last.position());
      assertThat(event.details().getString("lastSeenAt")).isEqualTo(received.toString());
    });
    assertThat(rules.onSilence(state, noticed.plusSeconds(600))).as("once per silence").isEmpty();
    List<DeliveryEvent> resumed = apply(state, onRoute(900, 0.02));
    assertThat(types(resumed)).containsExactly(Type.RESUMED);
    assertThat(rules.onSilence(state, noticed.plusSeconds(600))).isEmpty();
    assertThat(rules.onSilence(state, T0.plusSeconds(900 + 301))).get().extracting(DeliveryEvent::eventId)
        .isEqualTo(ID + ":stalled:" + onRoute(900, 0.02).seq());
  }

  @Test
  void onlyADeliveryEnRouteStalls() {
    EventState notStarted = deviceState(null);
    assertThat(rules.onSilence(notStarted, T0.plusSeconds(3_600))).isEmpty();
    EventState ended = deviceState(null);
    apply(ended, onRoute(0, 0.01), arrival(60));
    assertThat(rules.onSilence(ended, T0.plusSeconds(3_600))).isEmpty();
  }

  @Test
  void recomputingFromTheSavedStateRaisesTheSameEventsUnderTheSameIds() {
    Position[] track = {onRoute(0, 0.001), fix(10, 0.002, 0.002, null), fix(20, 0.003, 0.002, null),
        fix(30, 0.004, 0.002, T0.plusSeconds(4_000)), onRoute(40, 0.097), arrival(50)};
    List<DeliveryEvent> once = apply(deviceState(T0.plusSeconds(30)), track);
    assertThat(types(once)).containsExactly(Type.STARTED, Type.OFF_ROUTE, Type.LATE, Type.ARRIVING, Type.DELIVERED);

    // Half the track, the state saved and read back (a restart), the whole track read again from the start.
    EventState state = deviceState(T0.plusSeconds(30));
    List<DeliveryEvent> again = new ArrayList<>(apply(state, track[0], track[1], track[2]));
    EventState restored = EventState.fromDocument(state.toDocument());
    again.addAll(apply(restored, track));
    assertThat(again).containsExactlyElementsOf(once);
    assertThat(again.stream().map(DeliveryEvent::eventId)).doesNotHaveDuplicates();
  }

  @Test
  void aSimulatedDeliveryStartsArrivesAtItsRoutesEndAndIsDelivered() {
    EventState state = new EventState(ID);
    state.facts = DeliveryFacts.simulated(ROUTE);
    List<DeliveryEvent> raised = new ArrayList<>();
    for (int i = 0; i <= 100; i++) {
      Position point = new Position(ID, ROUTE.id(), "client-1", i, new LatLon(0, i * 0.001), i == 100, T0.plusSeconds(i));
      raised.addAll(rules.onPosition(state, point, Optional.empty()));
    }
    assertThat(types(raised)).containsExactly(Type.STARTED, Type.ARRIVING, Type.DELIVERED);
    assertThat(raised.get(0).eventId()).isEqualTo(ID + ":started:0");
    assertThat(raised.get(0).at()).as("no fix: the position's time").isEqualTo(T0);
    assertThat(raised.get(2).eventId()).isEqualTo(ID + ":delivered:100");
  }
}
