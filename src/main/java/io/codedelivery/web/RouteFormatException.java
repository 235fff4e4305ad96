package io.codedelivery.web;

/** An uploaded route that cannot be used; the message says why and where, fit for a 400 answer. */
final class RouteFormatException extends RuntimeException {
  RouteFormatException(String reason) {
    super(reason, null, false, false);
  }
}
