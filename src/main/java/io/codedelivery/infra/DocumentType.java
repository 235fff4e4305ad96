package io.codedelivery.infra;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

/**
 * The value type of the embedded store's collections: a document as BSON, with mongo-java-server's own codec (the one
 * its wire protocol uses), where H2's {@link ObjectDataType} wrote each document with Java serialization. That was
 * three quarters of everything the application's process allocated with the embedded defaults (a new
 * {@code ObjectOutputStream}, its buffers and handle tables, for every document written or read), and with it most of
 * the young collections. A document written before, by H2's own type, is still read: its first byte is one of H2's
 * type tags, never {@link #BSON}. Anything that is not a document, or that the codec cannot encode, is written as H2
 * writes it.
 */
final class DocumentType extends ObjectDataType {
  /** The first byte of a value written here: a tag H2's own type never writes (its tags are 0–127). */
  static final byte BSON = (byte) 0xB5;

  @Override
  public void write(WriteBuffer buffer, Object value) {
    if (value instanceof Document document) {
      ByteBuf bson = Unpooled.buffer(256);
      try {
        BsonEncoder.encodeDocument(document, bson);
      } catch (RuntimeException notEncodable) {
        bson.release();
        super.write(buffer, value);
        return;
      }
      buffer.put(BSON).put(bson.array(), bson.arrayOffset() + bson.readerIndex(), bson.readableBytes());
      bson.release();
    } else {
      super.write(buffer, value);
    }
  }

  @Override
  public Object read(ByteBuffer buffer) {
    if (buffer.get(buffer.position()) != BSON) {
      return super.read(buffer);
    }
    buffer.get();
    ByteBuf bson = Unpooled.wrappedBuffer(buffer.slice());
    Document document = BsonDecoder.decodeBson(bson);
    buffer.position(buffer.position() + bson.readerIndex());
    return document;
  }
}
