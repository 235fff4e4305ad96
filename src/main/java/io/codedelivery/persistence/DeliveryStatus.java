package io.codedelivery.persistence;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where a delivery is in its life. A simulated delivery's is not stored: it follows from the stored {@code lastSeq}
 * and {@code finishedAt}, which only ever move forward, so it can never go backwards either. A device's delivery
 * stores {@code assigned} when it is created and its outcome ({@code delivered}, {@code cancelled}) when it ends, each
 * written once by whoever assigned or ended it; {@code in-transit} follows from a stored position.
 */
public enum DeliveryStatus {
  ASSIGNED("assigned"),
  STARTED("started"),
  IN_TRANSIT("in-transit"),
  FINISHED("finished"),
  DELIVERED("delivered"),
  CANCELLED("cancelled");

  private final String wireName;

  DeliveryStatus(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<DeliveryStatus> fromWireName(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
  }

  /** Every wire name, for the answer to a filter that names none of them. */
  public static String wireNames() {
    return Arrays.stream(values()).map(DeliveryStatus::wireName).collect(Collectors.joining(", "));
  }

  static DeliveryStatus of(long lastSeq, boolean finished) {
    return finished ? FINISHED : lastSeq == 0 ? STARTED : IN_TRANSIT;
  }

  /**
   * A device's delivery: its stored outcome once it ended; else delivered when its finishing position is stored
   * (the position was produced and its ender stopped before recording the outcome), in transit once a position is
   * stored, assigned before.
   */
  static DeliveryStatus ofDevice(String stored, boolean anyPosition, boolean finished) {
    Optional<DeliveryStatus> outcome = fromWireName(stored).filter(s -> s == DELIVERED || s == CANCELLED);
    if (outcome.isPresent()) {
      return outcome.get();
    }
    return finished ? DELIVERED : anyPosition ? IN_TRANSIT : ASSIGNED;
  }
}
