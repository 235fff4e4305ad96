package io.codedelivery.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.config.AppConfig;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreTest {

  @Test
  void aMongoCaFileTurnsTlsOnAndIsTrustedByTheClient() {
    AppConfig config = AppConfig.load(Map.of("MONGO_URI", "mongodb://mongo:27017/", "MONGO_TLS_CA_PATH", "pom.xml"));

    JsonObject client = Store.clientConfig(config, Store.Pool.READS);

    assertThat(client.getBoolean("ssl")).isTrue();
    assertThat(client.getString("caPath")).isEqualTo("pom.xml");
  }

  @Test
  void withoutACaFileTlsIsWhatTheConnectionStringSays() {
    AppConfig config = AppConfig.load(Map.of("MONGO_URI", "mongodb://mongo:27017/?tls=true"));

    JsonObject client = Store.clientConfig(config, Store.Pool.READS);

    assertThat(client.containsKey("ssl")).as("the URI's tls=true is not overridden").isFalse();
    assertThat(client.getString("connection_string")).isEqualTo("mongodb://mongo:27017/?tls=true");
  }

  @Test
  void aStartTimeBoundSplitsTheNewestFirstKeysIntoStartedBeforeAndStartedAtOrAfter() {
    Instant noon = Instant.parse("2026-12-01T12:00:00Z");
    String bound = Store.newestFirstBound(noon);
    String id = "6f1c2a34-0000-4000-8000-000000000001";

    assertThat(Store.newestFirstKey(noon.minusMillis(1), id)).as("started before").isGreaterThanOrEqualTo(bound);
    assertThat(Store.newestFirstKey(noon, id)).as("started at").isLessThan(bound);
    assertThat(Store.newestFirstKey(noon.plusMillis(1), id)).as("started after").isLessThan(bound);
    assertThat(Store.newestFirstKey(Instant.EPOCH, id)).as("the epoch is the end of the walk").isLessThan(Store.newestFirstBound(Instant.EPOCH));
    assertThat(Store.newestFirstKey(Store.LATEST_START, id)).as("the latest start, the walk's beginning")
        .isLessThan(Store.newestFirstBound(Store.LATEST_START)).isLessThan(Store.newestFirstBound(Instant.EPOCH));
  }
}
