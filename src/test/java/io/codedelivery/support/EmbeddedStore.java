package io.codedelivery.support;

import io.codedelivery.config.Setting;
import io.codedelivery.infra.EmbeddedMongo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The embedded MongoDB-wire store on a free port and a fresh directory, for tests of one verticle or writer. */
public final class EmbeddedStore implements AutoCloseable {
  private final Path dataDir;
  private final EmbeddedMongo mongo;
  private final int port;

  private EmbeddedStore(Path dataDir, EmbeddedMongo mongo, int port) {
    this.dataDir = dataDir;
    this.mongo = mongo;
    this.port = port;
  }

  public static EmbeddedStore start() throws Exception {
    Path dataDir = Files.createTempDirectory("code-delivery-store");
    int port = TestStack.freePort();
    return new EmbeddedStore(dataDir, EmbeddedMongo.start(dataDir, port), port);
  }

  /** The settings that point the application's store clients here. */
  public Map<Setting, String> settings() {
    return Map.of(Setting.MONGO_URI, "", Setting.MONGO_EMBEDDED_PORT, String.valueOf(port));
  }

  @Override
  public void close() {
    mongo.close();
    TempDirs.deleteTree(dataDir);
  }
}
