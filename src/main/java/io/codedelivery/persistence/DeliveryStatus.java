package io.codedelivery.persistence;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where a delivery is in its life. Not stored: it follows from the stored {@code lastSeq} and {@code finishedAt},
 * which only ever move forward, so it can never go backwards either.
 */
public enum DeliveryStatus {
  STARTED("started"),
  IN_TRANSIT("in-transit"),
  FINISHED("finished");

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

  static DeliveryStatus of(long lastSeq, boolean finished) {
    return finished ? FINISHED : lastSeq == 0 ? STARTED : IN_TRANSIT;
  }
}
