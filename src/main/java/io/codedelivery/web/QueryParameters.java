package io.codedelivery.web;

import io.codedelivery.model.DeliveryId;
import io.codedelivery.model.DeviceUniqueId;
import io.codedelivery.model.Fields;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

/** Checks of query parameters shared by the API classes; each failure is a {@link BadParameter} naming the parameter. */
final class QueryParameters {
  private QueryParameters() {
  }

  static void onlyKnown(MultiMap params, Set<String> known) {
    for (String name : params.names()) {
      if (!known.contains(name)) {
        throw new BadParameter("unknown parameter '" + Fields.abbreviate(name) + "'" + (known.isEmpty() ? "" : "; known: " + String.join(", ", known)));
      }
      if (params.getAll(name).size() > 1) {
        throw new BadParameter("'" + Fields.abbreviate(name) + "' is given more than once");
      }
    }
  }

  static long number(MultiMap params, String name, long fallback, long min, long max) {
    String value = params.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new BadParameter("'" + name + "' must be a whole number from " + min + " to " + max);
  }

  /** A delivery's id (from the path, or a cursor naming one), checked before any query. */
  static String deliveryId(String value, String what) {
    if (!DeliveryId.isValid(value)) {
      throw new BadParameter("'" + Fields.abbreviate(String.valueOf(value)) + "' is not a valid " + what + " (a lower-case UUID)");
    }
    return value;
  }

  /** An ISO-8601 instant ({@code 2026-11-30T08:00:00Z}) between the two given, or null when the parameter is absent. */
  static Instant instant(MultiMap params, String name, Instant earliest, Instant latest) {
    String value = params.get(name);
    if (value == null) {
      return null;
    }
    try {
      Instant instant = Instant.parse(value);
      if (!instant.isBefore(earliest) && !instant.isAfter(latest)) {
        return instant;
      }
    } catch (DateTimeParseException ignored) {
      // reported below
    }
    throw new BadParameter("'" + name + "' must be an ISO-8601 instant such as 2026-11-30T08:00:00Z, from " + earliest + " to " + latest);
  }

  /** A device's unique id from the path, as devices are registered under it. */
  static String deviceUniqueId(String value) {
    if (!DeviceUniqueId.isValid(value)) {
      throw new BadParameter("'uniqueId' " + (value == null ? "is missing" : "'" + Fields.abbreviate(value) + "' is not valid")
          + ": it must be " + DeviceUniqueId.RULE);
    }
    return value;
  }
}
