package io.codedelivery.model;

import java.util.regex.Pattern;

/** Event-bus addresses; the SockJS bridge permits exactly these to browsers. */
public final class Addresses {
  /** Request/reply: {@code {"routeId":"1"}} → {@code {"deliveryId":"…"}}. Browsers may send here. */
  public static final String START_DELIVERY = "deliveries.start";
  /** Lifecycle events (started, finished) of every delivery. Browsers may only listen. */
  public static final String DELIVERY_UPDATES = "deliveries.updates";
  /**
   * Inside one process only, never permitted to browsers: a device's active delivery was assigned or ended here
   * (the body is its unique id), so this process's tracking instances look it up again instead of waiting for
   * their cached answer to expire.
   */
  public static final String DEVICE_ASSIGNMENT_CHANGED = "tracking.assignment-changed";
  /** Every delivery's events ({@link DeliveryEvent}), for operators' consoles. Browsers may only listen. */
  public static final String DELIVERY_EVENTS = "deliveries.events";
  /**
   * The fleet feed, for operators' consoles: each message is {@code {"deliveries":[…]}}, the latest position (with
   * its estimate) of every delivery that moved since the previous message, so its size is bounded by the fleet, not
   * by the positions. Published by each process's bridge to its own browsers only. Browsers may only listen.
   */
  public static final String FLEET = "deliveries.fleet";
  private static final String DELIVERY_PREFIX = "delivery.";
  private static final String DELIVERY_EVENTS_PREFIX = "delivery-events.";
  /** The per-delivery event addresses, as the bridge's outbound rule matches them. */
  public static final String DELIVERY_EVENTS_ADDRESS_REGEX = Pattern.quote(DELIVERY_EVENTS_PREFIX) + DeliveryId.REGEX;
  /** The per-delivery addresses, as the bridge's outbound rule matches them. */
  public static final String DELIVERY_ADDRESS_REGEX = Pattern.quote(DELIVERY_PREFIX) + DeliveryId.REGEX;
  private static final Pattern DELIVERY_ADDRESS = Pattern.compile(DELIVERY_ADDRESS_REGEX);

  private Addresses() {
  }

  /** Every position of one delivery is published here. */
  public static String delivery(String deliveryId) {
    return DELIVERY_PREFIX + deliveryId;
  }

  /** Every event of one delivery is published here (its customer's page listens). */
  public static String deliveryEvents(String deliveryId) {
    return DELIVERY_EVENTS_PREFIX + deliveryId;
  }

  public static boolean isDeliveryAddress(String address) {
    return DELIVERY_ADDRESS.matcher(address).matches();
  }
}
