package io.codedelivery.model;

/**
 * Kafka consumer group names, defined once: the roles that consume, the readiness and lag checks that watch them,
 * and the tests that wait for them all use these.
 */
public final class ConsumerGroups {
  /** Simulation instances of every process share it: each direction is driven once. */
  public static final String SIMULATION = "code-delivery-simulation";
  /** Persistence instances of every process share it: each position is stored once. */
  public static final String PERSISTENCE = "code-delivery-persistence";
  /** Tracking instances of every process share it: each device's fixes are attached once, in order, by one member. */
  public static final String TRACKING = "code-delivery-tracking";

  /** Event instances of every process share it: each delivery's events are computed once, by one member. */
  public static final String EVENTS = "code-delivery-events";
  /** Webhook dispatchers of every process share it: each event is queued for its endpoints once. */
  public static final String WEBHOOKS = "code-delivery-webhooks";

  private ConsumerGroups() {
  }

  /** The bridge instances of one process: a group of its own, because its browsers must see every position. */
  public static String bridge(String instanceId) {
    return "code-delivery-bridge-" + instanceId;
  }

  /** The event forwarder of one process: a group of its own, because its browsers must see every event. */
  public static String bridgeEvents(String instanceId) {
    return "code-delivery-bridge-events-" + instanceId;
  }
}
