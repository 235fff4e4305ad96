package io.codedelivery.model;

/** Kafka topic names, kept from the original course system so its Connect configs and dashboards still apply. */
public final class Topics {
  public static final String NEW_DIRECTION = "route.new-direction";
  public static final String NEW_POSITION = "route.new-position";
  /** Fixes as devices reported them ({@link DeviceFix}), keyed by device unique id; the tracking stage reads them. */
  public static final String DEVICE_POSITIONS = "device.positions";
  /** What happened to deliveries ({@link DeliveryEvent}), keyed by delivery id; webhooks, timelines and browsers read it. */
  public static final String DELIVERY_EVENTS = "delivery.events";
  public static final String DEAD_LETTER = "route.dead-letter";
  /** Header of a dead-lettered record saying why it could not be used. */
  public static final String DEAD_LETTER_REASON_HEADER = "x-dead-letter-reason";
  /** Header of a dead-lettered record saying where it came from: {@code topic-partition@offset}. */
  public static final String DEAD_LETTER_SOURCE_HEADER = "x-dead-letter-source";
  /** Header of a dead-lettered record: the size in bytes of the original value, before any truncation. */
  public static final String DEAD_LETTER_ORIGINAL_BYTES_HEADER = "x-dead-letter-original-bytes";
  /** Header of a dead-lettered record: {@code true} when its key or value was cut to fit the dead-letter topic. */
  public static final String DEAD_LETTER_TRUNCATED_HEADER = "x-dead-letter-truncated";

  private Topics() {
  }
}
