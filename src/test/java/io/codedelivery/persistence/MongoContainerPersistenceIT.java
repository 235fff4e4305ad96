package io.codedelivery.persistence;

import io.codedelivery.config.Setting;
import io.codedelivery.support.Docker;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.mongodb.MongoDBContainer;

/** The persistence contract on a real MongoDB server (Testcontainers); skipped where no Docker engine runs. */
@EnabledIf(value = Docker.AVAILABLE, disabledReason = Docker.ABSENT)
class MongoContainerPersistenceIT extends PersistenceContract {
  private static MongoDBContainer mongo;

  @BeforeAll
  static void startMongo() {
    mongo = new MongoDBContainer("mongo:8.0.15");
    mongo.start();
    startStack(Map.of(Setting.MONGO_URI, mongo.getConnectionString()));
  }

  @AfterAll
  static void stopMongo() {
    if (mongo != null) {
      mongo.stop();
    }
  }
}
