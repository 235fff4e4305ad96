package io.codedelivery.webhooks;

import io.codedelivery.model.DeliveryEvent;
import io.codedelivery.persistence.Store;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * An endpoint that receives delivery events: where to POST them, the secret that signs them, which event types it
 * wants (empty = every type), whether it is on. The secret is stored, never shown: {@link #toJson()} leaves it out.
 */
public record Webhook(String id, String url, String secret, Set<DeliveryEvent.Type> events, boolean enabled, Instant createdAt) {

  public Webhook {
    events = events.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(events));
  }

  /** Whether an event of this type is sent to it (when it is enabled). */
  public boolean wants(DeliveryEvent.Type type) {
    return events.isEmpty() || events.contains(type);
  }

  /** What the API shows of it: everything but the secret. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("url", url).put("events", eventNames()).put("enabled", enabled)
        .put("createdAt", createdAt.toString());
  }

  JsonObject toDocument() {
    return new JsonObject().put("_id", id).put("url", url).put("secret", secret).put("events", eventNames())
        .put("enabled", enabled).put("createdAt", Store.date(createdAt));
  }

  static Webhook fromDocument(JsonObject document) {
    Set<DeliveryEvent.Type> types = EnumSet.noneOf(DeliveryEvent.Type.class);
    document.getJsonArray("events", new JsonArray()).forEach(name -> types.add(DeliveryEvent.Type.fromWireName(String.valueOf(name))));
    return new Webhook(document.getString("_id"), document.getString("url"), document.getString("secret"), types,
        document.getBoolean("enabled", true), Store.instant(document.getValue("createdAt")));
  }

  /** Event types in their declared order, by their wire names. */
  private JsonArray eventNames() {
    JsonArray names = new JsonArray();
    EnumSet.allOf(DeliveryEvent.Type.class).stream().filter(events::contains).forEach(type -> names.add(type.wireName()));
    return names;
  }
}
