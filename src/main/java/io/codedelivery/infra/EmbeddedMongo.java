package io.codedelivery.infra;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MongoDB-wire server in this JVM (mongo-java-server, H2 file backend), so the default mode needs no
 * {@code mongod}. It speaks the real protocol: the application talks to it through the ordinary driver.
 */
public final class EmbeddedMongo implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMongo.class);

  private static final int COMMIT_DELAY_MS = 5;

  private final MongoServer server;
  private final H2Backend backend;

  private EmbeddedMongo(MongoServer server, H2Backend backend) {
    this.server = server;
    this.backend = backend;
  }

  public static EmbeddedMongo start(Path dataDir, int port) throws IOException {
    Path file = dataDir.resolve("mongo").resolve("codedelivery.mv.db").toAbsolutePath();
    Files.createDirectories(file.getParent());
    H2Backend backend = new H2Backend(file.toString());
    backend.version(ServerVersion.MONGO_5_0);
    // H2 writes acknowledged changes to its file in the background, by default up to a second later; a
    // process killed in that second loses them. Committing every few milliseconds shrinks that window to a
    // few milliseconds (see README, Guarantees); a clean shutdown loses nothing.
    backend.getMvStore().setAutoCommitDelay(COMMIT_DELAY_MS);
    MongoServer server = new MongoServer(backend);
    server.bind("localhost", port);
    LOG.info("Embedded MongoDB-wire store listening on mongodb://localhost:{} (data in {})", port, file);
    return new EmbeddedMongo(server, backend);
  }

  @Override
  public void close() {
    server.shutdown();
    backend.close();
    LOG.info("Embedded MongoDB-wire store stopped");
  }
}
