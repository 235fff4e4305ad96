package io.codedelivery.model;

/** Kafka topic names, kept from the original course system so its Connect configs and dashboards still apply. */
public final class Topics {
  public static final String NEW_DIRECTION = "route.new-direction";
  public static final String NEW_POSITION = "route.new-position";
  public static final String DEAD_LETTER = "route.dead-letter";
  /** Header of a dead-lettered record saying why it could not be used. */
  public static final String DEAD_LETTER_REASON_HEADER = "x-dead-letter-reason";
  /** Header of a dead-lettered record saying where it came from: {@code topic-partition@offset}. */
  public static final String DEAD_LETTER_SOURCE_HEADER = "x-dead-letter-source";

  private Topics() {
  }
}
