package io.codedelivery.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * Why {@code deliveries.start} refused a request: the failure code of its event-bus reply, which browsers also see
 * through the SockJS bridge. The codes keep the numbers browsers already know; the REST API maps each to an HTTP
 * status of its own choosing rather than passing the number on.
 */
public enum StartFailure {
  BAD_REQUEST(400),
  UNKNOWN_ROUTE(404),
  TOO_MANY_DELIVERIES(429),
  UNAVAILABLE(503);

  private final int code;

  StartFailure(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static Optional<StartFailure> of(int code) {
    return Arrays.stream(values()).filter(failure -> failure.code == code).findFirst();
  }
}
