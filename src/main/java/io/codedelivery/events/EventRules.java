package io.codedelivery.events;

import io.codedelivery.model.DeliveryEvent;
import io.codedelivery.model.DeliveryEvent.Type;
import io.codedelivery.model.LatLon;
import io.codedelivery.model.Position;
import io.codedelivery.model.Route;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The events a delivery's next position raises, and how it moves the delivery's state. Pure: no I/O, no clock (the
 * silence check is given the time), so every rule is checked on its own. Only a position newer than the newest seen
 * (a higher seq) moves anything; a late or repeated one raises nothing. The events of one position are raised in the
 * order of {@link Type}'s constants. An event's id is its delivery, type and the seq of the position that raised it,
 * and its time the position's fix time (else the time the server received it).
 */
public final class EventRules {
  private final Settings settings;

  /**
   * @param arrivalNoticeMetres {@code arriving} within this distance of the destination…
   * @param arrivalNotice       …or when the estimated arrival is at most this far ahead (zero: by distance only)
   * @param stalledAfter        {@code stalled} after this long without a position while en route
   * @param offRouteMetres      farther than this from the planned route is off it…
   * @param offRouteFixes       …for this many consecutive positions (and as many back within it to be back on it)
   */
  public record Settings(double arrivalNoticeMetres, Duration arrivalNotice, Duration stalledAfter, double offRouteMetres,
                         int offRouteFixes) {
  }

  public EventRules(Settings settings) {
    this.settings = settings;
  }

  /**
   * The events raised by this position of the state's delivery, oldest rule first.
   *
   * @param planned the delivery's planned route ({@link DeliveryFacts#plannedRouteId()}), empty when it has none
   */
  List<DeliveryEvent> onPosition(EventState state, Position position, Optional<Route> planned) {
    if (state.ended || position.seq() <= state.newestSeq) {
      return List.of();
    }
    state.newestSeq = position.seq();
    state.lastSeenMs = position.timestamp().toEpochMilli();
    state.lastPosition = position.position();
    Raised raised = new Raised(position);
    // A place a vehicle reported: the operator's complete or cancel is not a sign of life or of where it drives.
    if (!position.endedByOperator()) {
      if (!state.started) {
        state.started = true;
        raised.add(Type.STARTED, null);
      }
      if (state.stalled) {
        state.stalled = false;
        raised.add(Type.RESUMED, null);
      }
      if (!position.finished()) {
        planned.ifPresent(route -> followRoute(state, position, route, raised));
      }
    }
    if (!position.cancelled()) {
      keepTime(state, position, raised);
    }
    if (position.finished()) {
      state.ended = true;
      raised.add(position.cancelled() ? Type.CANCELLED : Type.DELIVERED, null);
    } else if (!state.arriving && nearlyThere(state, position, raised.at)) {
      state.arriving = true;
      raised.add(Type.ARRIVING, null);
    }
    return raised.events;
  }

  /**
   * {@code stalled} for a delivery en route whose newest position the server received longer than
   * {@code stalledAfter} before {@code now}: once per silence, under the seq of the last position before it, at the
   * moment it was noticed.
   */
  Optional<DeliveryEvent> onSilence(EventState state, Instant now) {
    if (!state.enRoute() || state.stalled || state.lastSeenMs > stallCutoffMs(now)) {
      return Optional.empty();
    }
    state.stalled = true;
    return Optional.of(new DeliveryEvent(DeliveryEvent.idOf(state.deliveryId, Type.STALLED, state.newestSeq),
        state.deliveryId, Type.STALLED, now, state.lastPosition,
        new JsonObject().put("lastSeenAt", Instant.ofEpochMilli(state.lastSeenMs).toString())));
  }

  /** Epoch ms: a delivery en route whose newest position the server received before this is stalled at {@code now}. */
  long stallCutoffMs(Instant now) {
    return now.toEpochMilli() - settings.stalledAfter().toMillis();
  }

  /** Off the planned route, or back on it, once the vehicle has been on the other side for enough positions in a row. */
  private void followRoute(EventState state, Position position, Route route, Raised raised) {
    double metresOff = route.metresFrom(position.position());
    boolean away = metresOff > settings.offRouteMetres();
    state.routeStreak = away == state.offRoute ? 0 : state.routeStreak + 1;
    if (state.routeStreak >= settings.offRouteFixes()) {
      state.offRoute = away;
      state.routeStreak = 0;
      raised.add(away ? Type.OFF_ROUTE : Type.BACK_ON_ROUTE, new JsonObject().put("metresOffRoute", Math.round(metresOff)));
    }
  }

  /**
   * Late when the expected arrival is after the promised time: the estimate's, or, without one, the position's own time
   * once the promise has passed (a vehicle not there yet is late whatever its speed). Back on time when it is no longer.
   */
  private static void keepTime(EventState state, Position position, Raised raised) {
    Instant promisedBy = state.facts == null ? null : state.facts.promisedBy();
    if (promisedBy == null) {
      return;
    }
    Instant eta = position.estimate() == null ? null : position.estimate().eta();
    Instant expected = eta != null ? eta : raised.at.isAfter(promisedBy) ? raised.at : null;
    if (expected == null) {
      return;
    }
    boolean lateNow = expected.isAfter(promisedBy);
    if (lateNow != state.late) {
      state.late = lateNow;
      raised.add(lateNow ? Type.LATE : Type.BACK_ON_TIME,
          new JsonObject().put("promisedBy", promisedBy.toString()).put("eta", expected.toString()));
    }
  }

  /** Within the notice distance of the destination, or expected there within the notice time. */
  private boolean nearlyThere(EventState state, Position position, Instant at) {
    LatLon destination = state.facts == null ? null : state.facts.destination();
    if (destination != null && position.position().metresTo(destination) <= settings.arrivalNoticeMetres()) {
      return true;
    }
    Instant eta = position.estimate() == null ? null : position.estimate().eta();
    return !settings.arrivalNotice().isZero() && eta != null && !eta.isAfter(at.plus(settings.arrivalNotice()));
  }

  /** The events one position raises: all at its time and place, with ids from its seq. */
  private static final class Raised {
    final List<DeliveryEvent> events = new ArrayList<>();
    final Position position;
    final Instant at;

    Raised(Position position) {
      this.position = position;
      this.at = position.fix() != null && position.fix().fixTime() != null ? position.fix().fixTime() : position.timestamp();
    }

    void add(Type type, JsonObject details) {
      events.add(new DeliveryEvent(DeliveryEvent.idOf(position.deliveryId(), type, position.seq()), position.deliveryId(),
          type, at, position.position(), details));
    }
  }
}
