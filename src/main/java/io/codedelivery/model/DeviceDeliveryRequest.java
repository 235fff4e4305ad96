package io.codedelivery.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Set;

/**
 * A delivery for a device, as {@code POST /api/deliveries} takes it:
 * {@code {"deviceId","destination":{"lat","lon"},"routeId"?,"reference"?,"customer":{"name"}?,"promisedBy"?}}. The
 * optional parts are null when not given; {@code routeId} names a planned route of the catalogue.
 */
public record DeviceDeliveryRequest(String deviceId, LatLon destination, String routeId, String reference,
                                    String customerName, Instant promisedBy) {
  /** Longer than any device id, order reference or name seen in practice; bounds what is stored and echoed. */
  static final int MAX_TEXT_CHARS = 200;
  private static final Set<String> FIELDS = Set.of("deviceId", "destination", "routeId", "reference", "customer", "promisedBy");

  /** @throws InvalidMessageException naming the first field that is missing, unknown or of the wrong type */
  public static DeviceDeliveryRequest fromJson(JsonObject json) {
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new InvalidMessageException("unknown field '" + Fields.abbreviate(field) + "'; known: " + String.join(", ", FIELDS));
      }
    }
    JsonObject customer = json.getValue("customer") == null ? null : Fields.object(json, "customer");
    return new DeviceDeliveryRequest(bounded("deviceId", Fields.string(json, "deviceId")),
        LatLon.fromJson(Fields.object(json, "destination")),
        bounded("routeId", Fields.optionalString(json, "routeId")),
        bounded("reference", Fields.optionalString(json, "reference")),
        customer == null ? null : bounded("name", Fields.string(customer, "name")),
        json.getValue("promisedBy") == null ? null : Fields.instant(json, "promisedBy"));
  }

  private static String bounded(String field, String value) {
    if (value != null && value.length() > MAX_TEXT_CHARS) {
      throw new InvalidMessageException("'" + field + "' must be at most " + MAX_TEXT_CHARS + " characters");
    }
    return value;
  }
}
