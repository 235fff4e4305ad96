package io.codedelivery.persistence;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** The persistence contract on the embedded MongoDB-wire store, as {@code java -jar} runs it. */
class PersistenceIT extends PersistenceContract {
  @BeforeAll
  static void startEmbedded() {
    startStack(Map.of());
  }
}
