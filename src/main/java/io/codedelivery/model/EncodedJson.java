package io.codedelivery.model;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.Collection;

/**
 * A JSON object as text, already checked, passed on as it is: a position as it came off its topic (checked by
 * {@link Position#fromJson(String)}), or a batch made of such positions. The browsers get this very text inside their bridge
 * message, so the bridge neither builds a tree of it nor encodes one again. A consumer that needs fields reads
 * {@link #toJsonObject()}. Immutable, so every consumer in this process shares the one instance ({@link #CODEC},
 * the default codec of this type once registered); between processes it is the text.
 */
public final class EncodedJson {
  /** Shares the instance among this process's consumers; the text on the wire. */
  public static final MessageCodec<EncodedJson, EncodedJson> CODEC = new Codec();

  private final String text;

  /** @param text a JSON object, as checked by its producer: this class does not parse it */
  public EncodedJson(String text) {
    this.text = text;
  }

  /** {@code {"<name>":[<each element's text>,…]}}: a batch of encoded objects under one field. */
  public static EncodedJson arrayField(String name, Collection<EncodedJson> elements) {
    StringBuilder json = new StringBuilder(32 + elements.size() * 256).append("{\"").append(name).append("\":[");
    boolean first = true;
    for (EncodedJson element : elements) {
      if (!first) {
        json.append(',');
      }
      first = false;
      json.append(element.text);
    }
    return new EncodedJson(json.append("]}").toString());
  }

  public String text() {
    return text;
  }

  /** A new tree of the text, the caller's to change. */
  public JsonObject toJsonObject() {
    return new JsonObject(text);
  }

  @Override
  public String toString() {
    return text;
  }

  private static final class Codec extends SharedBodyCodec<EncodedJson> {
    Codec() {
      super("encoded-json");
    }

    @Override
    Buffer toBytes(EncodedJson json) {
      return Buffer.buffer(json.text);
    }

    @Override
    EncodedJson fromBytes(Buffer bytes) {
      return new EncodedJson(bytes.toString());
    }
  }
}
