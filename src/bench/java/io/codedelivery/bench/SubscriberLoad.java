package io.codedelivery.bench;

/** The benchmark's SockJS subscribers, in this process ({@link SubscriberPool}) or another ({@link SubscriberProcess}). */
interface SubscriberLoad extends AutoCloseable {
  /** Lets every subscriber without a delivery pick one now, rather than at its next tick. */
  void assignNow();

  /** Positions lost at the ends of streams whose delivery finished long enough ago (see Subscriber#tailLost). */
  long tailLost() throws Exception;

  @Override
  void close() throws Exception;
}
