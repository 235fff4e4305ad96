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

  private ConsumerGroups() {
  }

  /** The bridge instances of one process: a group of its own, because its browsers must see every position. */
  public static String bridge(String instanceId) {
    return "code-delivery-bridge-" + instanceId;
  }
}
