package io.codedelivery.model;

import java.util.regex.Pattern;

/**
 * What a delivery id looks like: a lower-case UUID, as {@link java.util.UUID#toString()} writes it. The one
 * definition the messages, the event-bus addresses and the REST paths check ids against.
 */
public final class DeliveryId {
  /** The id as a regular expression, for composing into larger ones (the bridge's per-delivery address). */
  public static final String REGEX = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  private static final Pattern PATTERN = Pattern.compile(REGEX);

  private DeliveryId() {
  }

  public static boolean isValid(String value) {
    return value != null && PATTERN.matcher(value).matches();
  }
}
