package io.codedelivery.infra;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.h2.H2UniqueIndex;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MongoDB-wire server in this JVM (mongo-java-server, H2 file backend), so the default mode needs no
 * {@code mongod}. It speaks the real protocol: the application talks to it through the ordinary driver.
 */
public final class EmbeddedMongo implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMongo.class);
  /** Shared by every store of the process; its memory is weak and synchronized. */
  private static final IndexKeyType INDEX_KEYS = new IndexKeyType();
  /**
   * mongo-java-server's own unique index over an H2 map, whose constructor is package-private: the map it is given is
   * all that changes.
   */
  private static final Constructor<H2UniqueIndex> UNIQUE_INDEX = uniqueIndexConstructor();

  private final MongoServer server;
  private final H2Backend backend;

  private EmbeddedMongo(MongoServer server, H2Backend backend) {
    this.server = server;
    this.backend = backend;
  }

  public static EmbeddedMongo start(Path dataDir, int port) throws IOException {
    Path file = dataDir.resolve("mongo").resolve("codedelivery.mv.db").toAbsolutePath();
    Files.createDirectories(file.getParent());
    // Committed by the backend after each command, never in the background: see CommittingH2Backend.
    MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
    H2Backend backend = new CommittingH2Backend(store);
    backend.version(ServerVersion.MONGO_5_0);
    MongoServer server = new MongoServer(backend);
    server.bind("localhost", port);
    LOG.info("Embedded MongoDB-wire store listening on mongodb://localhost:{} (data in {})", port, file);
    return new EmbeddedMongo(server, backend);
  }

  /**
   * mongo-java-server writes a document and its index entries one after another, not in a transaction, and H2's
   * background commit could save the file between the two: after a kill, the store held documents its {@code _id}
   * index did not know, and every later upsert of one failed ("already existed"), stalling persistence for good.
   * Here commands run one at a time and each is committed before its reply, so the file only ever holds whole
   * commands, and an acknowledged write survives a killed process.
   */
  private static final class CommittingH2Backend extends H2Backend {
    CommittingH2Backend(MVStore store) {
      super(store);
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
      return new Database(databaseName);
    }

    /** H2's database, its documents stored as BSON ({@link DocumentType}), its unique indexes keyed by {@link IndexKeyType}. */
    private final class Database extends H2Database {
      Database(String name) {
        super(name, getMvStore(), getCursorRegistry());
      }

      // The maps' names are H2Database's own, so an existing file's collections are the ones opened.
      @Override
      protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
        String namespace = getFullCollectionNamespace(collectionName);
        MVMap<Object, Document> documents = getMvStore().openMap("databases." + namespace,
            new MVMap.Builder<Object, Document>().valueType(new DocumentType()));
        MVMap<String, Object> meta = getMvStore().openMap("meta." + namespace);
        return new H2Collection(this, collectionName, options, documents, meta, getCursorRegistry());
      }

      // Called by the super constructor too, as it opens the indexes already in the file: only the outer backend's
      // state is used here, which is complete by then. The map's name is H2Database's own, so an existing file's
      // index is the one opened (IndexKeyTypeTest reads a file the plain backend wrote).
      @Override
      protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
        MVMap<KeyValue, Object> map = getMvStore().openMap(getFullCollectionNamespace(collectionName) + "._index_" + indexName,
            new MVMap.Builder<KeyValue, Object>().keyType(INDEX_KEYS));
        try {
          return UNIQUE_INDEX.newInstance(map, indexName, keys, sparse);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot open unique index " + indexName + " of " + collectionName, e);
        }
      }
    }

    @Override
    public synchronized Document handleCommand(Channel channel, String databaseName, String command, Document query) {
      try {
        return super.handleCommand(channel, databaseName, command, query);
      } finally {
        commit();
      }
    }
  }

  private static Constructor<H2UniqueIndex> uniqueIndexConstructor() {
    try {
      Constructor<H2UniqueIndex> constructor = H2UniqueIndex.class.getDeclaredConstructor(MVMap.class, String.class, List.class, boolean.class);
      constructor.setAccessible(true);
      return constructor;
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public void close() {
    server.shutdown();
    backend.close();
    LOG.info("Embedded MongoDB-wire store stopped");
  }
}
