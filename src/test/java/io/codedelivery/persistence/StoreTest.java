package io.codedelivery.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.config.AppConfig;
import io.vertx.core.json.JsonObject;
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
}
