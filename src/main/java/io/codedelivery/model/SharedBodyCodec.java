package io.codedelivery.model;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Event-bus codec for a body no consumer changes: every consumer in this process gets the one instance (no copy per
 * consumer, which is what a fan-out to thousands of browsers would otherwise allocate most); between processes the
 * body travels as its bytes, after their length.
 *
 * @param <T> the body's type
 */
abstract class SharedBodyCodec<T> implements MessageCodec<T, T> {
  private final String name;

  SharedBodyCodec(String name) {
    this.name = name;
  }

  /** The body's bytes on the wire. */
  abstract Buffer toBytes(T body);

  /** The body back from {@link #toBytes}. */
  abstract T fromBytes(Buffer bytes);

  @Override
  public final void encodeToWire(Buffer buffer, T body) {
    Buffer encoded = toBytes(body);
    buffer.appendInt(encoded.length()).appendBuffer(encoded);
  }

  @Override
  public final T decodeFromWire(int position, Buffer buffer) {
    int length = buffer.getInt(position);
    int start = position + Integer.BYTES;
    return fromBytes(buffer.slice(start, start + length));
  }

  @Override
  public final T transform(T body) {
    return body;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final byte systemCodecID() {
    return -1;
  }
}
