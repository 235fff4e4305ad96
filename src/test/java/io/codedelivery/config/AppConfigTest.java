package io.codedelivery.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.codedelivery.Main;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AppConfigTest {

  @Test
  void defaultsComeFromTheConfFile() {
    AppConfig config = AppConfig.load(Map.of());

    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.embeddedKafka()).isTrue();
    assertThat(config.embeddedMongo()).isTrue();
    assertThat(config.roles()).containsExactlyInAnyOrder(Role.values());
    assertThat(config.simulationIntervalMs()).isEqualTo(500);
    assertThat(config.positionsPartitions()).isEqualTo(6);
  }

  @Test
  void environmentVariablesOverrideTheFile() {
    AppConfig config = AppConfig.load(Map.of(
        "HTTP_PORT", "9000",
        "KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092",
        "MONGO_URI", "mongodb://user:secret@mongo:27017",
        "ROLES", "web, bridge",
        "WEB_INSTANCES", "4"));

    assertThat(config.httpPort()).isEqualTo(9000);
    assertThat(config.embeddedKafka()).isFalse();
    assertThat(config.kafkaBootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
    assertThat(config.embeddedMongo()).isFalse();
    assertThat(config.roles()).containsExactlyInAnyOrder(Role.WEB, Role.BRIDGE);
    assertThat(config.instances(Role.WEB)).isEqualTo(4);
    assertThat(config.describe()).contains("mongodb://***@mongo:27017").doesNotContain("user:secret");
  }

  static Stream<Arguments> invalidValues() {
    return Stream.of(
        Arguments.of(Setting.HTTP_PORT, List.of("0", "65536", "http", "")),
        Arguments.of(Setting.HTTP_TRUST_FORWARDED, List.of("yes", "1", "")),
        Arguments.of(Setting.AUTH_TOKEN_SECRET, List.of("short", "0123456789012345678901234567890")),
        Arguments.of(Setting.AUTH_SESSION_TTL_MINUTES, List.of("0", "43201", "a day")),
        Arguments.of(Setting.AUTH_MAX_FAILURES_PER_MINUTE, List.of("0", "10001")),
        Arguments.of(Setting.TRACKING_LINK_TTL_HOURS, List.of("0", "8761", "forever")),
        Arguments.of(Setting.OIDC_ISSUER, List.of("issuer.example.com", "ftp://issuer.example.com")),
        Arguments.of(Setting.OIDC_REDIRECT_URL, List.of("callback", "ftp://app.example.com/cb")),
        Arguments.of(Setting.OIDC_ROLES_CLAIM, List.of("", "  ")),
        Arguments.of(Setting.MANAGEMENT_PORT, List.of("0", "nine")),
        Arguments.of(Setting.HTTP_IDLE_TIMEOUT_SECONDS, List.of("0", "1", "3601", "forever")),
        Arguments.of(Setting.HTTP_HEADER_TIMEOUT_SECONDS, List.of("0", "601", "")),
        Arguments.of(Setting.DATA_DIR, List.of("", "  ")),
        Arguments.of(Setting.ROLES, List.of("", "web,chef", ",")),
        Arguments.of(Setting.SIMULATION_INSTANCES, List.of("0", "65", "many")),
        Arguments.of(Setting.BRIDGE_INSTANCES, List.of("0", "-1")),
        Arguments.of(Setting.PERSISTENCE_INSTANCES, List.of("0", "1.5")),
        Arguments.of(Setting.WEB_INSTANCES, List.of("0", "100")),
        Arguments.of(Setting.INGEST_INSTANCES, List.of("0", "100")),
        Arguments.of(Setting.INGEST_PORT, List.of("0", "70000", "x")),
        Arguments.of(Setting.INGEST_MAX_BODY_BYTES, List.of("255", "2000000")),
        Arguments.of(Setting.INGEST_MAX_FUTURE_SECONDS, List.of("-1", "86401")),
        Arguments.of(Setting.CHECKPOINT_INTERVAL_MS, List.of("99", "60001", "often")),
        Arguments.of(Setting.DEVICE_OFFLINE_AFTER_SECONDS, List.of("0", "soon")),
        Arguments.of(Setting.TRACKING_INSTANCES, List.of("0", "65")),
        Arguments.of(Setting.EVENTS_INSTANCES, List.of("0", "65")),
        Arguments.of(Setting.ARRIVAL_RADIUS_METRES, List.of("0", "10001", "near")),
        Arguments.of(Setting.ARRIVAL_DWELL_SECONDS, List.of("-1", "86401", "a minute")),
        Arguments.of(Setting.ARRIVAL_NOTICE_METRES, List.of("0", "100001", "near")),
        Arguments.of(Setting.ARRIVAL_NOTICE_MINUTES, List.of("-1", "1441", "soon")),
        Arguments.of(Setting.STALLED_AFTER_SECONDS, List.of("4", "86401", "a while")),
        Arguments.of(Setting.OFF_ROUTE_METRES, List.of("0", "100001")),
        Arguments.of(Setting.OFF_ROUTE_FIXES, List.of("0", "1001", "few")),
        Arguments.of(Setting.WEBHOOK_RETRY_HOURS, List.of("0", "721", "a day")),
        Arguments.of(Setting.WEBHOOK_RETRY_MAX_INTERVAL_SECONDS, List.of("0", "86401")),
        Arguments.of(Setting.WEBHOOK_TIMEOUT_SECONDS, List.of("0", "301")),
        Arguments.of(Setting.WEBHOOK_ALLOW_PRIVATE, List.of("yes", "1", "")),
        Arguments.of(Setting.KAFKA_BOOTSTRAP_SERVERS, List.of("kafka", "kafka:port", "a:1,,b:2", "a b:1")),
        Arguments.of(Setting.KAFKA_EMBEDDED_PORT, List.of("0", "x")),
        Arguments.of(Setting.KAFKA_EMBEDDED_CONTROLLER_PORT, List.of("99999")),
        Arguments.of(Setting.KAFKA_POSITIONS_PARTITIONS, List.of("0", "1001")),
        Arguments.of(Setting.KAFKA_DIRECTIONS_PARTITIONS, List.of("0")),
        Arguments.of(Setting.MONGO_URI, List.of("http://mongo", "mongo:27017")),
        Arguments.of(Setting.MONGO_DATABASE, List.of("", "code delivery", "a/b")),
        Arguments.of(Setting.MONGO_EMBEDDED_PORT, List.of("-5")),
        Arguments.of(Setting.TLS_CERT_PATH, List.of("/no/such/cert.pem", "conf")),
        Arguments.of(Setting.TLS_KEY_PATH, List.of("/no/such/key.pem", "conf")),
        Arguments.of(Setting.KAFKA_SECURITY_PROTOCOL, List.of("TLS", "sasl_ssl", "SASL")),
        Arguments.of(Setting.KAFKA_SASL_MECHANISM, List.of("GSSAPI", "plain", "SCRAM")),
        Arguments.of(Setting.KAFKA_SSL_TRUSTSTORE_LOCATION, List.of("/no/such/truststore.jks")),
        Arguments.of(Setting.KAFKA_SSL_TRUSTSTORE_TYPE, List.of("P12", "pem")),
        Arguments.of(Setting.MONGO_TLS_CA_PATH, List.of("/no/such/ca.pem", "conf")),
        Arguments.of(Setting.ROUTES_DIR, List.of("")),
        Arguments.of(Setting.ROUTES_MAX_POINTS, List.of("1", "200001", "many")),
        Arguments.of(Setting.ROUTES_MAX_BODY_BYTES, List.of("1023", "67108865")),
        Arguments.of(Setting.SIMULATION_INTERVAL_MS, List.of("9", "60001", "fast")),
        Arguments.of(Setting.DELIVERIES_MAX_ACTIVE, List.of("0")),
        Arguments.of(Setting.CONSUMER_STALL_SECONDS, List.of("0", "86401", "a minute")),
        Arguments.of(Setting.BRIDGE_MAX_BODY_BYTES, List.of("63", "2000000")),
        Arguments.of(Setting.BRIDGE_MAX_REGISTRATIONS, List.of("0")),
        Arguments.of(Setting.BRIDGE_MAX_STARTS_PER_MINUTE, List.of("0", "lots")),
        Arguments.of(Setting.BRIDGE_FLEET_INTERVAL_MS, List.of("0", "49", "60001", "a second")),
        Arguments.of(Setting.API_MAX_CONCURRENT_LISTS, List.of("0", "1001", "four")),
        Arguments.of(Setting.API_MAX_CONCURRENT_TRACK_READS, List.of("0", "1001", "four")),
        Arguments.of(Setting.CORS_ALLOWED_ORIGINS, List.of("*", "example.com", "https://a.example/path", "https://a.example,,https://b.example")),
        Arguments.of(Setting.INGEST_PUBLIC_URL, List.of("ingest.example:5055", "ftp://ingest.example", "https://", "https://a b.example/")),
        Arguments.of(Setting.WARMUP_SECONDS, List.of("-1", "601", "half a minute")),
        Arguments.of(Setting.LOG_LEVEL, List.of("LOUD", "")));
  }

  @ParameterizedTest
  @MethodSource("invalidValues")
  void everyInvalidValueStopsStartUpWithOneLineNamingTheKeyAndWhatIsAllowed(Setting setting, List<String> values) {
    for (String value : values) {
      assertThatThrownBy(() -> AppConfig.load(Map.of(setting.envVar(), value)))
          .isInstanceOf(AppConfig.ConfigException.class)
          .hasMessageStartingWith(setting.envVar() + " (" + setting.key() + ") = '" + (setting.isSecret() ? "***" : value.trim()) + "' is invalid: expected ")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  @Test
  void everyCheckedKeyHasInvalidValuesTried() {
    Set<Setting> tried = EnumSet.noneOf(Setting.class);
    invalidValues().forEach(args -> tried.add((Setting) args.get()[0]));
    Set<Setting> freeText = EnumSet.of(Setting.INSTANCE_ID, Setting.MAP_TILES_URL,
        Setting.KAFKA_SASL_JAAS_CONFIG, Setting.KAFKA_SSL_TRUSTSTORE_PASSWORD,
        Setting.ADMIN_PASSWORD, Setting.OIDC_CLIENT_ID, Setting.OIDC_CLIENT_SECRET);

    assertThat(EnumSet.complementOf(EnumSet.copyOf(tried))).isEqualTo(freeText);
  }

  @Test
  void theWebRoleNeedsTheBridgeInTheSameProcess() {
    assertThatThrownBy(() -> AppConfig.load(Map.of("ROLES", "web,persistence")))
        .hasMessageContaining("the web role needs the bridge role");
  }

  @Test
  void aConfigFileThatDoesNotExistIsAnErrorNotASilentFallback() {
    assertThatThrownBy(() -> AppConfig.load(Map.of(AppConfig.CONFIG_FILE_ENV, "conf/aplication.properties")))
        .hasMessage("CONFIG_FILE names conf/aplication.properties, which is not a readable file");
  }

  @Test
  void theWebAndManagementPortsMustDiffer() {
    assertThatThrownBy(() -> AppConfig.load(Map.of("HTTP_PORT", "9090")))
        .hasMessage("MANAGEMENT_PORT must differ from HTTP_PORT (both are 9090)");
  }

  @Test
  void theIngestPortMustDifferFromTheOthers() {
    assertThatThrownBy(() -> AppConfig.load(Map.of("INGEST_PORT", "8080")))
        .hasMessage("INGEST_PORT must differ from HTTP_PORT and MANAGEMENT_PORT (it is 8080)");
    assertThatThrownBy(() -> AppConfig.load(Map.of("INGEST_PORT", "9090")))
        .hasMessageContaining("INGEST_PORT must differ");
    assertThat(AppConfig.load(Map.of("INGEST_PORT", "8080", "ROLES", "ingest")).ingestPort())
        .as("without the web role, 8080 is free").isEqualTo(8080);
  }

  @Test
  void theEmbeddedBrokerPortsMustDiffer() {
    assertThatThrownBy(() -> AppConfig.load(Map.of("KAFKA_EMBEDDED_PORT", "9500", "KAFKA_EMBEDDED_CONTROLLER_PORT", "9500")))
        .hasMessageContaining("KAFKA_EMBEDDED_CONTROLLER_PORT must differ from KAFKA_EMBEDDED_PORT");
  }

  // TLS and secured infrastructure.

  /** An external Kafka with SASL over TLS, as a cloud Kafka (Confluent Cloud, MSK, Aiven…) is reached. */
  private static final Map<String, String> SASL_SSL_KAFKA = Map.of(
      "KAFKA_BOOTSTRAP_SERVERS", "pkc-123.europe-west3.gcp.confluent.cloud:9092",
      "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
      "KAFKA_SASL_MECHANISM", "PLAIN",
      "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"KEY\" password=\"jaas-secret-42\";");

  private static Map<String, String> with(Map<String, String> base, String... more) {
    Map<String, String> env = new java.util.HashMap<>(base);
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  @Test
  void everyKafkaClientGetsTheSecuritySettingsThatAreSetAndNoOthers() {
    KafkaConnection secured = AppConfig.load(SASL_SSL_KAFKA).kafkaConnection();

    assertThat(secured.bootstrapServers()).isEqualTo("pkc-123.europe-west3.gcp.confluent.cloud:9092");
    assertThat(secured.clientProperties()).containsOnlyKeys("bootstrap.servers", "security.protocol", "sasl.mechanism", "sasl.jaas.config")
        .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN");
    assertThat(secured.toString()).doesNotContain("jaas-secret-42");
    assertThat(AppConfig.load(Map.of()).kafkaConnection().clientProperties()).containsOnlyKeys("bootstrap.servers");
    assertThat(AppConfig.load(Map.of()).kafkaSecurityProtocol()).isEqualTo("PLAINTEXT");
  }

  @Test
  void theEmbeddedBrokerIsPlaintextSoKafkaSecurityNeedsAnExternalOne() {
    assertThatThrownBy(() -> AppConfig.load(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")))
        .hasMessage("KAFKA_SECURITY_PROTOCOL (kafka.security.protocol) applies to an external Kafka only: the embedded broker"
            + " is plaintext. Set KAFKA_BOOTSTRAP_SERVERS or leave KAFKA_SECURITY_PROTOCOL blank");
    assertThatThrownBy(() -> AppConfig.load(Map.of("KAFKA_SASL_JAAS_CONFIG", "x required;")))
        .hasMessageStartingWith("KAFKA_SASL_JAAS_CONFIG (kafka.sasl.jaas.config) applies to an external Kafka only");
    assertThat(AppConfig.load(Map.of("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")).embeddedKafka()).isTrue();
  }

  @Test
  void kafkaSecuritySettingsTheProtocolWouldIgnoreAreRefused() {
    assertThatThrownBy(() -> AppConfig.load(with(SASL_SSL_KAFKA, "KAFKA_SECURITY_PROTOCOL", "SSL")))
        .hasMessage("KAFKA_SASL_MECHANISM (kafka.sasl.mechanism) is used only with KAFKA_SECURITY_PROTOCOL SASL_PLAINTEXT or SASL_SSL, not SSL");
    assertThatThrownBy(() -> AppConfig.load(with(SASL_SSL_KAFKA, "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
        "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM")))
        .hasMessage("KAFKA_SSL_TRUSTSTORE_TYPE (kafka.ssl.truststore.type) is used only with KAFKA_SECURITY_PROTOCOL SSL or SASL_SSL, not SASL_PLAINTEXT");
    assertThat(AppConfig.load(with(SASL_SSL_KAFKA, "KAFKA_SSL_TRUSTSTORE_LOCATION", "pom.xml", "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM"))
        .kafkaConnection().security()).containsEntry("ssl.truststore.location", "pom.xml").containsEntry("ssl.truststore.type", "PEM");
  }

  @Test
  void httpsNeedsBothTheCertificateAndItsKey() {
    assertThatThrownBy(() -> AppConfig.load(Map.of("TLS_CERT_PATH", "pom.xml")))
        .hasMessage("TLS_CERT_PATH and TLS_KEY_PATH go together: set both (HTTPS on the web and ingest ports) or neither (plain HTTP)");
    assertThatThrownBy(() -> AppConfig.load(Map.of("TLS_KEY_PATH", "pom.xml")))
        .hasMessageStartingWith("TLS_CERT_PATH and TLS_KEY_PATH go together");
    AppConfig https = AppConfig.load(Map.of("TLS_CERT_PATH", "pom.xml", "TLS_KEY_PATH", "README.md"));
    assertThat(https.tls()).isTrue();
    assertThat(https.tlsCertPath()).hasToString("pom.xml");
    assertThat(AppConfig.load(Map.of()).tls()).isFalse();
  }

  @Test
  void aMongoCaNeedsAnExternalMongo() {
    assertThatThrownBy(() -> AppConfig.load(Map.of("MONGO_TLS_CA_PATH", "pom.xml")))
        .hasMessageStartingWith("MONGO_TLS_CA_PATH (mongo.tls.ca.path) applies to an external MongoDB only: the embedded store is plaintext");
    assertThat(AppConfig.load(Map.of("MONGO_URI", "mongodb://mongo:27017/?tls=true", "MONGO_TLS_CA_PATH", "pom.xml")).mongoTlsCaPath())
        .hasValue(java.nio.file.Path.of("pom.xml"));
  }

  @Test
  void secretsNeverReachTheStartUpLog() {
    Map<String, String> env = with(SASL_SSL_KAFKA,
        "MONGO_URI", "mongodb://app:p@ss-word@mongo-1:27017,mongo-2:27017/codedelivery?authSource=admin"
            + "&authMechanismProperties=AWS_SESSION_TOKEN:session-token-7&tls=true");
    Map<Setting, String> markers = new java.util.EnumMap<>(Setting.class);
    for (Setting setting : Setting.values()) {
      if (setting.isSecret() && !env.containsKey(setting.envVar())) {
        markers.put(setting, "marker-" + setting.name().toLowerCase(java.util.Locale.ROOT) + "-0123456789");
      }
    }
    markers.forEach((setting, marker) -> env.put(setting.envVar(), marker));

    String described = AppConfig.load(env).describe();

    assertThat(described).doesNotContain("jaas-secret-42", "p@ss", "ss-word", "session-token-7").doesNotContain(markers.values())
        .contains("mongodb://***@mongo-1:27017,mongo-2:27017/codedelivery?authSource=admin&authMechanismProperties=***&tls=true")
        .contains("sasl.mechanism").contains("PLAIN");
    assertThat(Setting.KAFKA_SASL_JAAS_CONFIG.isSecret()).isTrue();
    assertThat(Setting.KAFKA_SSL_TRUSTSTORE_PASSWORD.isSecret()).isTrue();
    assertThat(Setting.KAFKA_SSL_TRUSTSTORE_LOCATION.isSecret()).isFalse();
  }

  @Test
  void anyKeyNamedAPasswordOrSecretIsOne() {
    assertThat(Setting.values()).filteredOn(s -> s.key().contains("password") || s.key().contains("secret"))
        .isNotEmpty().allMatch(Setting::isSecret);
  }

  @Test
  void credentialsInsideConnectionStringsAreHidden() {
    assertThat(AppConfig.withoutCredentials("mongodb+srv://user:pa%40ss@cluster0.example.mongodb.net/db?retryWrites=true"))
        .isEqualTo("mongodb+srv://***@cluster0.example.mongodb.net/db?retryWrites=true");
    assertThat(AppConfig.withoutCredentials("mongodb://mongo:27017/?password=x&tlsCertificateKeyFilePassword=y&w=1"))
        .isEqualTo("mongodb://mongo:27017/?password=***&tlsCertificateKeyFilePassword=***&w=1");
    assertThat(AppConfig.withoutCredentials("mongodb://mongo:27017")).isEqualTo("mongodb://mongo:27017");
  }

  @Test
  void theProcessStopsWithExitCode2AndOneClearLine() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(
        System.getProperty("java.home") + "/bin/java", "-cp", System.getProperty("java.class.path"), Main.class.getName());
    builder.environment().put("HTTP_PORT", "eighty");
    builder.redirectErrorStream(true);
    Process process = builder.start();
    List<String> output;
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      output = reader.lines().toList();
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(output).containsExactly(
        "Configuration error: HTTP_PORT (http.port) = 'eighty' is invalid: expected a whole number from 1 to 65535");
  }
}
