package io.codedelivery.export;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Set;

/**
 * How a delivery ended against what was promised, from the delivery as the API shows it ({@code status},
 * {@code promisedBy}, {@code endedAt}, {@code finishedAt}). {@code onTime} is true when it was delivered by the promised
 * time, false when it was delivered later or is still under way past it, and null when nothing was promised, it was
 * cancelled, or it is under way and the promise has not passed yet.
 */
public record DeliveryOutcome(String status, Instant promisedBy, Instant deliveredAt, Boolean onTime) {
  /** A simulated delivery "finishes" at its route's end; a device's is "delivered". */
  private static final Set<String> ARRIVED = Set.of("delivered", "finished");

  public static DeliveryOutcome of(JsonObject delivery, Instant now) {
    String status = delivery.getString("status");
    Instant promisedBy = instant(delivery, "promisedBy");
    Instant ended = instant(delivery, "endedAt");
    Instant deliveredAt = ARRIVED.contains(status) ? (ended != null ? ended : instant(delivery, "finishedAt")) : null;
    Boolean onTime;
    if (promisedBy == null || "cancelled".equals(status)) {
      onTime = null;
    } else if (deliveredAt != null) {
      onTime = !deliveredAt.isAfter(promisedBy);
    } else {
      onTime = now.isAfter(promisedBy) ? Boolean.FALSE : null;
    }
    return new DeliveryOutcome(status, promisedBy, deliveredAt, onTime);
  }

  private static Instant instant(JsonObject delivery, String field) {
    String value = delivery.getString(field);
    return value == null ? null : Instant.parse(value);
  }

  /** The name a delivery's files and reports carry: its order reference, else its title, else its id. */
  public static String nameOf(JsonObject delivery) {
    for (String field : new String[] {"reference", "title"}) {
      String value = delivery.getString(field);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return delivery.getString("deliveryId");
  }

  /** {@code status}, and {@code promisedBy} and {@code deliveredAt} when known, and {@code onTime}. */
  public JsonObject putInto(JsonObject json) {
    json.put("status", status);
    if (promisedBy != null) {
      json.put("promisedBy", promisedBy.toString());
    }
    if (deliveredAt != null) {
      json.put("deliveredAt", deliveredAt.toString());
    }
    return json.put("onTime", onTime);
  }
}
