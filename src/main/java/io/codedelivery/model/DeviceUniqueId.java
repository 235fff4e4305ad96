package io.codedelivery.model;

import java.util.regex.Pattern;

/**
 * The rule for a device's unique id, the id the phone app shows and sends with every fix: what phones use (an IMEI, a
 * random number, a name, {@code owntracks-user-device}) fits, while nothing that would need escaping in a URL path, a
 * log line or a Kafka key does.
 */
public final class DeviceUniqueId {
  /** The rule in words, for error messages. */
  public static final String RULE = "1-64 letters, digits, '-', '_', '.' or ':'";
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  private DeviceUniqueId() {
  }

  public static boolean isValid(String value) {
    return value != null && VALID.matcher(value).matches();
  }
}
