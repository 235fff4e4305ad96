package io.codedelivery.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Where every Kafka client of the process connects and how it secures the connection: the bootstrap servers and the
 * client security properties ({@code security.protocol}, {@code sasl.*}, {@code ssl.truststore.*}) that are set.
 *
 * @param security Kafka client property names and values; only those configured, empty for a plaintext broker
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> security) {
  public KafkaConnection {
    security = Map.copyOf(security);
  }

  /** A broker without security, as the embedded one is. */
  public static KafkaConnection plaintext(String bootstrapServers) {
    return new KafkaConnection(bootstrapServers, Map.of());
  }

  /** A new, modifiable map of {@code bootstrap.servers} and the security properties, for a client to add its own to. */
  public Map<String, String> clientProperties() {
    Map<String, String> properties = new HashMap<>(security);
    properties.put("bootstrap.servers", bootstrapServers);
    return properties;
  }

  /** Without the security values: the JAAS configuration and the truststore password are secrets. */
  @Override
  public String toString() {
    return bootstrapServers + " (" + security.getOrDefault("security.protocol", "PLAINTEXT") + ")";
  }
}
