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

  /** Whether it matches {@link #REGEX}: checked character by character, as it is for every position consumed. */
  public static boolean isValid(String value) {
    if (value == null || value.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = value.charAt(i);
      boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-' : c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The same answer as {@link #isValid}, by the regular expression: for the test that holds them to each other. */
  static boolean matchesRegex(String value) {
    return value != null && PATTERN.matcher(value).matches();
  }
}
