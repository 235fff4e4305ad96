package io.codedelivery.infra;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

/**
 * The key type of the embedded store's unique indexes ({@code _id} and the like): H2's own {@link ObjectDataType},
 * which orders a key it does not know (mongo-java-server's {@link KeyValue}) by its Java-serialized bytes and so
 * serialized both sides of every comparison, a dozen per lookup. That was half of each update's cost (a profile of the
 * tracking stage's checkpoints). Here a key's bytes are kept while the key is in use, so a lookup serializes its own key
 * once; the order, and so every index file written before, is unchanged. Only keys of immutable values whose equality
 * means equal bytes (strings, numbers, booleans, object ids) are kept; any other compares as before. A page's keys
 * are written from the same bytes.
 */
final class IndexKeyType extends ObjectDataType {
  /** H2's {@code ObjectDataType.TYPE_SERIALIZED_OBJECT} (package-private there). */
  static final byte SERIALIZED_OBJECT_TAG = 19;
  /** Weak keys: an entry lasts while a page or a lookup holds its key. */
  private final Map<KeyValue, byte[]> serialized = Collections.synchronizedMap(new WeakHashMap<>());

  @Override
  public int compare(Object a, Object b) {
    if (a != b && a instanceof KeyValue first && b instanceof KeyValue second && keepable(first) && keepable(second)) {
      return compareNotNull(bytes(first), bytes(second));
    }
    return super.compare(a, b);
  }

  /**
   * Written as H2's own type writes a key it does not know (its serialized-object tag, the length, the bytes), from the
   * bytes kept: the same file, without serializing each key of a page again whenever the page is saved.
   */
  @Override
  public void write(WriteBuffer buffer, Object value) {
    if (value instanceof KeyValue key && keepable(key)) {
      byte[] bytes = bytes(key);
      buffer.put(SERIALIZED_OBJECT_TAG).putVarInt(bytes.length).put(bytes);
    } else {
      super.write(buffer, value);
    }
  }

  private byte[] bytes(KeyValue key) {
    byte[] known = serialized.get(key);
    if (known == null) {
      known = serialize(key);
      serialized.put(key, known);
    }
    return known;
  }

  private static boolean keepable(KeyValue key) {
    for (Object value : key) {
      if (!(value instanceof String || value instanceof Number || value instanceof Boolean || value instanceof ObjectId)) {
        return false;
      }
    }
    return true;
  }
}
