package io.codedelivery.model;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * Event-bus codec for JSON bodies that every consumer only reads, such as a position fanned out to each browser
 * watching its delivery. Consumers in this process share the one instance: the default JSON codec copies the
 * body for each consumer, the largest allocation of the fan-out to thousands of browsers. Between processes it
 * is plain JSON.
 */
public final class ReadOnlyJsonCodec extends SharedBodyCodec<JsonObject> {
  public static final String NAME = "read-only-json";

  /** Options to publish with; the codec must be registered first (the application does it at start-up). */
  public static DeliveryOptions options() {
    return new DeliveryOptions().setCodecName(NAME);
  }

  public ReadOnlyJsonCodec() {
    super(NAME);
  }

  @Override
  Buffer toBytes(JsonObject json) {
    return json.toBuffer();
  }

  @Override
  JsonObject fromBytes(Buffer bytes) {
    return new JsonObject(bytes);
  }
}
