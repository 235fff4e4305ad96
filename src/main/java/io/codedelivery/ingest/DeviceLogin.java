package io.codedelivery.ingest;

import io.codedelivery.access.DeviceSecret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * How a registered device shows that a fix is its own: by nothing, when it was registered without a secret (as every
 * device was before secrets existed), else by HTTP Basic credentials whose password is its secret and whose user is
 * a name the request goes by: the device's unique id, or for OwnTracks the {@code X-Limit-U} user (the app sends
 * its configured user name both as that header and as the Basic user).
 *
 * @param secret the device's secret; empty for a device without one
 * @param unreadable a stored hash this version cannot read: nothing matches it, rather than anything
 */
record DeviceLogin(Optional<DeviceSecret> secret, boolean unreadable) {
  static final DeviceLogin OPEN = new DeviceLogin(Optional.empty(), false);
  private static final String BASIC = "basic ";

  /** The login of a device as the store keeps it: its secret's hash, if it has one. */
  static DeviceLogin of(Optional<String> secretHash) {
    if (secretHash.isEmpty()) {
      return OPEN;
    }
    try {
      return new DeviceLogin(Optional.of(DeviceSecret.parse(secretHash.get())), false);
    } catch (IllegalArgumentException e) {
      return new DeviceLogin(Optional.empty(), true);
    }
  }

  boolean needsCredentials() {
    return secret.isPresent() || unreadable;
  }

  /**
   * Whether the request may post for the device.
   *
   * @param authorization the request's {@code Authorization} header, or null
   * @param users the user names the request goes by (nulls are skipped)
   */
  boolean admits(String authorization, List<String> users) {
    if (!needsCredentials()) {
      return true;
    }
    String userAndPassword = basicCredentials(authorization);
    if (userAndPassword == null || secret.isEmpty()) {
      return false;
    }
    // "user:password" is split at the user names it may start with, not at its first ':': unique ids may hold ':'.
    for (String user : users) {
      if (user != null && userAndPassword.startsWith(user + ":")
          && secret.get().matches(userAndPassword.substring(user.length() + 1))) {
        return true;
      }
    }
    return false;
  }

  private static String basicCredentials(String authorization) {
    if (authorization == null || authorization.length() <= BASIC.length() || !authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
      return null;
    }
    try {
      return new String(Base64.getDecoder().decode(authorization.substring(BASIC.length()).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** A fix of a device with a secret, sent without it or with another: answered 401, nothing produced. */
  static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }
}
