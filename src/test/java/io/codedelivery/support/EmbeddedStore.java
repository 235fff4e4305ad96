package io.codedelivery.support;

import io.codedelivery.config.Setting;
import io.codedelivery.infra.EmbeddedMongo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The embedded MongoDB-wire store on a free port and a fresh directory: for tests of one verticle or writer, and
 * for outage tests, which stop it and start it again with its data.
 */
public final class EmbeddedStore implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private EmbeddedMongo mongo;

  private EmbeddedStore(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  public static EmbeddedStore start() throws Exception {
    EmbeddedStore store = new EmbeddedStore(Files.createTempDirectory("code-delivery-store"), TestStack.freePort());
    store.startAgain();
    return store;
  }

  /** The settings that point the application's store clients here. */
  public Map<Setting, String> settings() {
    return Map.of(Setting.MONGO_URI, uri());
  }

  public String uri() {
    return "mongodb://localhost:" + port;
  }

  /** Starts the store again on the same port and data after {@link #stop()}; blocking. */
  public void startAgain() throws Exception {
    if (mongo == null) {
      mongo = EmbeddedMongo.start(dataDir, port);
    }
  }

  /** Stops the store, keeping its data: an outage, as clients see one. */
  public void stop() {
    if (mongo != null) {
      mongo.close();
      mongo = null;
    }
  }

  @Override
  public void close() {
    stop();
    TempDirs.deleteTree(dataDir);
  }
}
