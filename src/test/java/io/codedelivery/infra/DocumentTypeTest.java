package io.codedelivery.infra;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import io.codedelivery.persistence.Store;
import io.codedelivery.support.TempDirs;
import io.codedelivery.support.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.junit5.VertxExtension;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The embedded store keeps its documents as BSON: every kind of value the application stores comes back as it was,
 * documents H2 wrote with Java serialization (every store file made before) are still read, and what was written
 * survives a restart.
 */
@ExtendWith(VertxExtension.class)
class DocumentTypeTest {
  private static Document everyKindOfValue() {
    Document nested = new Document("lat", -23.5505).append("lng", -46.6333);
    return new Document("_id", "delivery-1:42").append("seq", 42).append("bytes", 9_000_000_000L)
        .append("speed", 12.5).append("finished", false).append("timestamp", Instant.parse("2026-12-03T13:00:00.123Z"))
        .append("clientId", null).append("position", nested).append("route", Arrays.asList(nested, "x", 1, true))
        .append("oid", new ObjectId()).append("name", "São Paulo — entrega");
  }

  private static ByteBuffer written(ObjectDataType type, Object... values) {
    WriteBuffer buffer = new WriteBuffer();
    for (Object value : values) {
      type.write(buffer, value);
    }
    ByteBuffer bytes = buffer.getBuffer();
    bytes.flip();
    return bytes;
  }

  @Test
  void aDocumentIsWrittenAsBsonAndReadBackEqualOneAfterAnother() {
    DocumentType type = new DocumentType();
    Document first = everyKindOfValue();
    Document second = new Document("_id", "other").append("n", 1);

    ByteBuffer bytes = written(type, first, second, "not a document");

    assertThat(bytes.get(0)).isEqualTo(DocumentType.BSON);
    assertThat(type.read(bytes)).isEqualTo(first);
    assertThat(type.read(bytes)).isEqualTo(second);
    assertThat(type.read(bytes)).isEqualTo("not a document");
    assertThat(bytes.hasRemaining()).isFalse();
  }

  @Test
  void aDocumentH2WroteWithJavaSerializationIsStillRead() {
    Document old = everyKindOfValue();

    ByteBuffer bytes = written(new ObjectDataType(), old, 7L);

    assertThat(bytes.get(0)).isNotEqualTo(DocumentType.BSON);
    DocumentType type = new DocumentType();
    assertThat(type.read(bytes)).isEqualTo(old);
    assertThat(type.read(bytes)).isEqualTo(7L);
  }

  @Test
  void whatTheStoreAcknowledgedIsThereAfterARestart(Vertx vertx) throws Exception {
    Path dataDir = Files.createTempDirectory("code-delivery-documents");
    try {
      JsonObject position = new JsonObject().put("_id", "d1:0").put("deliveryId", "d1").put("seq", 0)
          .put("lat", -23.5505).put("lng", -46.6333).put("finished", false)
          .put("timestamp", new JsonObject().put("$date", "2026-12-03T13:00:00.123Z"))
          .put("attributes", new JsonObject().put("batt", 80).put("names", new JsonArray().add("a").add("b")));
      int port = TestStack.freePort();
      try (EmbeddedMongo store = EmbeddedMongo.start(dataDir, port)) {
        MongoClient client = client(vertx, port);
        client.insert(Store.TRACKING, position).await();
        client.close().await();
      }
      int againPort = TestStack.freePort();
      try (EmbeddedMongo store = EmbeddedMongo.start(dataDir, againPort)) {
        MongoClient client = client(vertx, againPort);
        List<JsonObject> found = client.find(Store.TRACKING, new JsonObject().put("deliveryId", "d1")).await();
        client.close().await();
        assertThat(found).containsExactly(position);
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
