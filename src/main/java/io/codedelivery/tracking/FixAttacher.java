package io.codedelivery.tracking;

import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.LatLon;
import io.codedelivery.model.Position;
import io.codedelivery.model.Route;
import io.codedelivery.model.RouteCatalog;
import io.codedelivery.persistence.DeviceDeliveries.Assignment;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns a device's fix into a position of its active delivery, and moves the device's state. Pure: no I/O, so every
 * rule is checked on its own. The rules: a fix's seq is its fix time, so a repeated fix is the same position and a
 * late one falls into fix-time order; a fix whose position was produced lately is not produced again (a phone resends
 * what went unanswered); only the newest fix moves the state (distance left, progress, ETA, arrival).
 */
final class FixAttacher {
  /** Below this mean speed (walking pace at a stop) the vehicle is taken to be standing: no ETA. */
  static final double MOVING_METRES_PER_SECOND = 0.5;

  private final RouteCatalog routes;
  private final double arrivalRadiusMetres;
  private final long arrivalDwellMs;

  FixAttacher(RouteCatalog routes, double arrivalRadiusMetres, Duration arrivalDwell) {
    this.routes = routes;
    this.arrivalRadiusMetres = arrivalRadiusMetres;
    this.arrivalDwellMs = arrivalDwell.toMillis();
  }

  enum Kind { NEWEST, LATE, REPEATED }

  /**
   * The position to produce for a fix, null when it was produced already; it is {@code finished} when this fix
   * completed the arrival.
   */
  record Attached(Position position, Kind kind) {
  }

  Attached attach(DeviceState state, DeviceFix fix, Assignment delivery) {
    if (!delivery.deliveryId().equals(state.deliveryId)) {
      state.follow(delivery.deliveryId());
    }
    long fixMs = fix.fixTime().toEpochMilli();
    if (state.alreadyProduced(fixMs)) {
      return new Attached(null, Kind.REPEATED);
    }
    if (fixMs <= state.newestFixMs) {
      return new Attached(position(fix, delivery, false, null), Kind.LATE);
    }
    return new Attached(advance(state, fix, delivery), Kind.NEWEST);
  }

  /** The newest fix of the delivery: speeds, dwell near the destination, and the server's estimate at this fix. */
  private Position advance(DeviceState state, DeviceFix fix, Assignment delivery) {
    long fixMs = fix.fixTime().toEpochMilli();
    LatLon here = fix.position();
    if (fix.speed() != null) {
      state.addSpeed(fix.speed());
    } else if (state.lastPoint != null && fixMs > state.newestFixMs) {
      state.addSpeed(state.lastPoint.metresTo(here) * 1000.0 / (fixMs - state.newestFixMs));
    }
    state.lastPoint = here;
    state.newestFixMs = fixMs;

    Optional<Route> planned = Optional.ofNullable(delivery.routeId()).flatMap(routes::find);
    LatLon destination = delivery.destination();
    double remaining = planned.map(route -> route.metresRemainingFrom(here) + route.end().metresTo(destination))
        .orElseGet(() -> here.metresTo(destination));
    if (Double.isNaN(state.startDistanceMetres)) {
      state.startDistanceMetres = planned.map(route -> route.lengthMetres() + route.end().metresTo(destination)).orElse(remaining);
    }

    boolean near = here.metresTo(destination) <= arrivalRadiusMetres;
    if (!near) {
      state.dwellStartMs = DeviceState.NONE;
    } else if (state.dwellStartMs == DeviceState.NONE) {
      state.dwellStartMs = fixMs;
    }
    boolean arrived = near && fixMs - state.dwellStartMs >= arrivalDwellMs;
    if (arrived) {
      return position(fix, delivery, true, new Position.Estimate(0, 1, fix.fixTime()));
    }
    double progress = state.startDistanceMetres <= 0 ? 1 : Math.max(0, Math.min(1, 1 - remaining / state.startDistanceMetres));
    double speed = state.averageSpeed();
    Instant eta = speed >= MOVING_METRES_PER_SECOND ? fix.fixTime().plusMillis(Math.round(remaining / speed * 1000)) : null;
    return position(fix, delivery, false, new Position.Estimate(Math.round(remaining), progress, eta));
  }

  /**
   * The position of a fix: seq its fix time, timestamp when ingestion received it (so the bridge's latency is from
   * the phone's request to the browser), the device's own readings, and the estimate when there is one.
   */
  private static Position position(DeviceFix fix, Assignment delivery, boolean finished, Position.Estimate estimate) {
    return new Position(delivery.deliveryId(), delivery.routeId(), null, fix.fixTime().toEpochMilli(), fix.position(),
        finished, fix.receivedAt(),
        new Position.Fix(fix.deviceId(), fix.fixTime(), fix.speed(), fix.heading(), fix.accuracy(), fix.battery()), estimate);
  }
}
