package io.codedelivery.ingest;

/**
 * A request that carries no usable fix: answered 400 with {@link #getMessage()} and counted by {@link #reason()}, and
 * nothing is produced. Thrown by the decoders; any client can cause as many as it likes, so it has no stack trace.
 */
public final class BadFix extends RuntimeException {
  private final String reason;

  /**
   * @param reason one word for the refusal counter, e.g. {@code bad_position}
   * @param message what the phone's user or operator should read
   */
  BadFix(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
