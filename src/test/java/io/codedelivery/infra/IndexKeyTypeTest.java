package io.codedelivery.infra;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.codedelivery.persistence.Store;
import io.codedelivery.support.TempDirs;
import io.codedelivery.support.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The embedded store's unique-index keys compare as H2's own type orders them, so a store file written before
 * {@link IndexKeyType} (or by plain mongo-java-server) is read and written as it was: every document found by its
 * {@code _id}, a second one with a taken {@code _id} refused, an upsert of an existing one no new document.
 */
@ExtendWith(VertxExtension.class)
class IndexKeyTypeTest {
  private final Random random = new Random(7);

  @Test
  void keysCompareInTheOrderH2sOwnTypeGivesThem() {
    ObjectDataType h2 = new ObjectDataType();
    IndexKeyType memoized = new IndexKeyType();
    List<KeyValue> keys = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      keys.add(switch (i % 6) {
        case 0 -> new KeyValue(UUID.randomUUID().toString());
        case 1 -> new KeyValue(UUID.randomUUID() + ":" + random.nextInt(1_000));
        case 2 -> new KeyValue(random.nextLong());
        case 3 -> new KeyValue(random.nextInt(100));
        case 4 -> new KeyValue(random.nextDouble() * 100, "x" + random.nextInt(10));
        default -> new KeyValue(new de.bwaldvogel.mongo.bson.Document("a", random.nextInt(5)));
      });
    }
    // Each compared twice: the second time from the bytes it kept.
    for (int round = 0; round < 2; round++) {
      for (KeyValue a : keys) {
        for (int j = 0; j < 20; j++) {
          KeyValue b = keys.get(random.nextInt(keys.size()));
          assertThat(Integer.signum(memoized.compare(a, b))).as("%s vs %s", a, b).isEqualTo(Integer.signum(h2.compare(a, b)));
        }
      }
    }
  }

  @Test
  void keysAreWrittenByteForByteAsH2sOwnTypeWritesThem() {
    ObjectDataType h2 = new ObjectDataType();
    IndexKeyType memoized = new IndexKeyType();
    for (KeyValue key : List.of(new KeyValue("delivery-1:42"), new KeyValue(42L), new KeyValue(7), new KeyValue(2.5, "x"),
        new KeyValue(true), new KeyValue(new de.bwaldvogel.mongo.bson.ObjectId()),
        new KeyValue(new de.bwaldvogel.mongo.bson.Document("a", 1)))) {
      WriteBuffer expected = new WriteBuffer();
      h2.write(expected, key);
      // Twice: the second time from the bytes kept by a comparison.
      for (int round = 0; round < 2; round++) {
        WriteBuffer actual = new WriteBuffer();
        memoized.write(actual, key);
        assertThat(bytes(actual)).as("%s", key).isEqualTo(bytes(expected));
        memoized.compare(key, new KeyValue("other"));
      }
      assertThat(memoized.read(ByteBuffer.wrap(bytes(expected)))).isEqualTo(key);
    }
  }

  private static byte[] bytes(WriteBuffer buffer) {
    ByteBuffer written = buffer.getBuffer().duplicate();
    written.flip();
    byte[] bytes = new byte[written.remaining()];
    written.get(bytes);
    return bytes;
  }

  @Test
  void aStoreFileWrittenWithH2sOwnKeyTypeIsReadAndWrittenAsBefore(Vertx vertx) throws Exception {
    Path dataDir = Files.createTempDirectory("code-delivery-index-keys");
    try {
      Path file = Files.createDirectories(dataDir.resolve("mongo")).resolve("codedelivery.mv.db");
      List<String> ids = new ArrayList<>();
      int port = TestStack.freePort();
      MVStore plainStore = new MVStore.Builder().fileName(file.toString()).open();
      H2Backend plain = new H2Backend(plainStore);
      MongoServer plainServer = new MongoServer(plain);
      plainServer.bind("localhost", port);
      MongoClient before = client(vertx, port);
      for (int i = 0; i < 500; i++) {
        String id = UUID.randomUUID() + ":" + i;
        ids.add(id);
        before.insert(Store.TRACKING, new JsonObject().put("_id", id).put("n", i)).await();
      }
      before.close().await();
      plainServer.shutdown();
      plain.close();

      int againPort = TestStack.freePort();
      try (EmbeddedMongo store = EmbeddedMongo.start(dataDir, againPort)) {
        MongoClient after = client(vertx, againPort);
        for (int i = 0; i < ids.size(); i += 7) {
          JsonObject found = after.findOne(Store.TRACKING, new JsonObject().put("_id", ids.get(i)), null).await();
          assertThat(found).as(ids.get(i)).isNotNull();
          assertThat(found.getInteger("n")).isEqualTo(i);
        }
        String taken = ids.get(123);
        assertThat(after.insert(Store.TRACKING, new JsonObject().put("_id", taken)).transform(done ->
            io.vertx.core.Future.succeededFuture(Store.isDuplicateKey(done.cause()))).await()).isTrue();
        after.updateCollectionWithOptions(Store.TRACKING, new JsonObject().put("_id", taken),
            new JsonObject().put("$set", new JsonObject().put("n", -1)), new UpdateOptions().setUpsert(true)).await();
        assertThat(after.count(Store.TRACKING, new JsonObject()).await()).isEqualTo(ids.size());
        assertThat(after.findOne(Store.TRACKING, new JsonObject().put("_id", taken), null).await().getInteger("n")).isEqualTo(-1);
        after.close().await();
      }
    } finally {
      TempDirs.deleteTree(dataDir);
    }
  }

  private static MongoClient client(Vertx vertx, int port) {
    return MongoClient.create(vertx, new JsonObject().put("connection_string", "mongodb://localhost:" + port)
        .put("db_name", "codedelivery"));
  }
}
