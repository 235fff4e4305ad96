package io.codedelivery.model;

/** A message that cannot be used; the message says why, in words fit for a dead-letter header or an error reply. */
public class InvalidMessageException extends RuntimeException {
  public InvalidMessageException(String reason) {
    super(reason);
  }
}
