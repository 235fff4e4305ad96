package io.codedelivery.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The effective configuration: {@code conf/application.properties} (or the copy inside the jar), then
 * environment variables on top. Every value is checked here, so a bad one stops start-up with one clear line.
 */
public final class AppConfig {
  /** Environment variable naming another properties file to read instead of {@code conf/application.properties}. */
  public static final String CONFIG_FILE_ENV = "CONFIG_FILE";
  static final String DEFAULT_FILE = "conf/application.properties";
  /** The settings passed to every Kafka client as the client property of the same name without this prefix. */
  private static final String KAFKA_PREFIX = "kafka.";
  private static final Set<Setting> KAFKA_CLIENT_SECURITY = EnumSet.of(Setting.KAFKA_SECURITY_PROTOCOL,
      Setting.KAFKA_SASL_MECHANISM, Setting.KAFKA_SASL_JAAS_CONFIG, Setting.KAFKA_SSL_TRUSTSTORE_LOCATION,
      Setting.KAFKA_SSL_TRUSTSTORE_PASSWORD, Setting.KAFKA_SSL_TRUSTSTORE_TYPE);

  private static final String REDACTED = "***";
  private static final Pattern USER_INFO = Pattern.compile("://[^/?#]*@");
  private static final Pattern CREDENTIAL_OPTION = Pattern.compile(
      "(?i)([?&](?:authMechanismProperties|[^=&]*(?:password|secret|token))=)[^&#]*");

  private final Map<Setting, String> values;
  /** Resolved once: a blank setting means the host name, and looking that up may block. */
  private final String instanceId;

  private AppConfig(Map<Setting, String> values) {
    this.values = values;
    this.instanceId = resolveInstanceId(values.get(Setting.INSTANCE_ID));
  }

  /** The configuration as this process sees it: file, then the given environment. */
  public static AppConfig load(Map<String, String> env) {
    String location = env.getOrDefault(CONFIG_FILE_ENV, DEFAULT_FILE);
    Properties file = readFile(location);
    Map<Setting, String> values = new EnumMap<>(Setting.class);
    for (Setting setting : Setting.values()) {
      String value = env.containsKey(setting.envVar()) ? env.get(setting.envVar()) : file.getProperty(setting.key());
      if (value == null) {
        throw new ConfigException(setting.key() + " is missing from " + location + " and " + setting.envVar() + " is not set");
      }
      values.put(setting, value.trim());
    }
    Set<String> known = Arrays.stream(Setting.values()).map(Setting::key).collect(Collectors.toSet());
    for (String key : file.stringPropertyNames()) {
      if (!known.contains(key)) {
        throw new ConfigException("unknown configuration key '" + key + "'; known keys: " + String.join(", ", known));
      }
    }
    return new AppConfig(values).validated();
  }

  /** A copy with some values replaced, checked like any other; for tests and tools that start the app in-process. */
  public AppConfig with(Map<Setting, String> overrides) {
    Map<Setting, String> copy = new EnumMap<>(values);
    copy.putAll(overrides);
    return new AppConfig(copy).validated();
  }

  private AppConfig validated() {
    for (Map.Entry<Setting, String> entry : values.entrySet()) {
      String problem = entry.getKey().problemWith(entry.getValue());
      if (problem != null) {
        Setting s = entry.getKey();
        throw new ConfigException(s.envVar() + " (" + s.key() + ") = '" + shown(s, entry.getValue()) + "' is invalid: expected " + problem);
      }
    }
    if (roles().contains(Role.WEB) && !roles().contains(Role.BRIDGE)) {
      throw new ConfigException(Setting.ROLES.envVar() + " (roles) = '" + values.get(Setting.ROLES)
          + "' is invalid: the web role needs the bridge role in the same process (the event bus is not clustered)");
    }
    if (roles().contains(Role.WEB) && httpPort() == managementPort()) {
      throw new ConfigException(Setting.MANAGEMENT_PORT.envVar() + " must differ from " + Setting.HTTP_PORT.envVar()
          + " (both are " + httpPort() + ")");
    }
    if (roles().contains(Role.INGEST) && (ingestPort() == managementPort() || roles().contains(Role.WEB) && ingestPort() == httpPort())) {
      throw new ConfigException(Setting.INGEST_PORT.envVar() + " must differ from " + Setting.HTTP_PORT.envVar() + " and "
          + Setting.MANAGEMENT_PORT.envVar() + " (it is " + ingestPort() + ")");
    }
    checkSecuredInfrastructure();
    if (embeddedKafka() && kafkaEmbeddedPort() == kafkaEmbeddedControllerPort()) {
      throw new ConfigException(Setting.KAFKA_EMBEDDED_CONTROLLER_PORT.envVar() + " must differ from "
          + Setting.KAFKA_EMBEDDED_PORT.envVar() + " (both are " + kafkaEmbeddedPort() + ")");
    }
    return this;
  }

  /**
   * Settings of TLS and secured infrastructure that only make sense together: a certificate with its key, Kafka
   * security with an external broker and the protocol that uses it, a MongoDB CA with an external MongoDB.
   */
  private void checkSecuredInfrastructure() {
    if (values.get(Setting.TLS_CERT_PATH).isBlank() != values.get(Setting.TLS_KEY_PATH).isBlank()) {
      throw new ConfigException(Setting.TLS_CERT_PATH.envVar() + " and " + Setting.TLS_KEY_PATH.envVar()
          + " go together: set both (HTTPS on the web and ingest ports) or neither (plain HTTP)");
    }
    String protocol = kafkaSecurityProtocol();
    for (Setting setting : KAFKA_CLIENT_SECURITY) {
      String value = values.get(setting);
      if (embeddedKafka() && !value.isBlank() && !(setting == Setting.KAFKA_SECURITY_PROTOCOL && value.equals("PLAINTEXT"))) {
        throw new ConfigException(setting.envVar() + " (" + setting.key() + ") applies to an external Kafka only: the embedded broker"
            + " is plaintext. Set " + Setting.KAFKA_BOOTSTRAP_SERVERS.envVar() + " or leave " + setting.envVar() + " blank");
      }
    }
    requireProtocol(Setting.KAFKA_SASL_MECHANISM, protocol, "SASL_PLAINTEXT", "SASL_SSL");
    requireProtocol(Setting.KAFKA_SASL_JAAS_CONFIG, protocol, "SASL_PLAINTEXT", "SASL_SSL");
    requireProtocol(Setting.KAFKA_SSL_TRUSTSTORE_LOCATION, protocol, "SSL", "SASL_SSL");
    requireProtocol(Setting.KAFKA_SSL_TRUSTSTORE_PASSWORD, protocol, "SSL", "SASL_SSL");
    requireProtocol(Setting.KAFKA_SSL_TRUSTSTORE_TYPE, protocol, "SSL", "SASL_SSL");
    if (embeddedMongo() && !values.get(Setting.MONGO_TLS_CA_PATH).isBlank()) {
      throw new ConfigException(Setting.MONGO_TLS_CA_PATH.envVar() + " (" + Setting.MONGO_TLS_CA_PATH.key()
          + ") applies to an external MongoDB only: the embedded store is plaintext. Set " + Setting.MONGO_URI.envVar()
          + " or leave " + Setting.MONGO_TLS_CA_PATH.envVar() + " blank");
    }
  }

  /** A Kafka security setting the configured protocol would silently ignore is a mistake worth stopping for. */
  private void requireProtocol(Setting setting, String protocol, String... protocols) {
    if (!values.get(setting).isBlank() && !List.of(protocols).contains(protocol)) {
      throw new ConfigException(setting.envVar() + " (" + setting.key() + ") is used only with "
          + Setting.KAFKA_SECURITY_PROTOCOL.envVar() + " " + String.join(" or ", protocols) + ", not " + protocol);
    }
  }

  private static Properties readFile(String location) {
    Properties properties = new Properties();
    Path path = Path.of(location);
    try {
      if (!Files.isRegularFile(path) && !location.equals(DEFAULT_FILE)) {
        throw new ConfigException(CONFIG_FILE_ENV + " names " + location + ", which is not a readable file");
      }
      if (Files.isRegularFile(path)) {
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
          properties.load(reader);
        }
      } else {
        try (InputStream in = AppConfig.class.getClassLoader().getResourceAsStream(DEFAULT_FILE)) {
          if (in == null) {
            throw new ConfigException("configuration file " + location + " not found (and no default inside the jar)");
          }
          properties.load(in);
        }
      }
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + location + ": " + e.getMessage());
    }
    return properties;
  }

  public String raw(Setting setting) {
    return values.get(setting);
  }

  private int integer(Setting setting) {
    return Integer.parseInt(values.get(setting));
  }

  public int httpPort() {
    return integer(Setting.HTTP_PORT);
  }

  public int managementPort() {
    return integer(Setting.MANAGEMENT_PORT);
  }

  public int ingestPort() {
    return integer(Setting.INGEST_PORT);
  }

  public int httpIdleTimeoutSeconds() {
    return integer(Setting.HTTP_IDLE_TIMEOUT_SECONDS);
  }

  public int httpHeaderTimeoutSeconds() {
    return integer(Setting.HTTP_HEADER_TIMEOUT_SECONDS);
  }

  public Path dataDir() {
    return Path.of(values.get(Setting.DATA_DIR));
  }

  public String instanceId() {
    return instanceId;
  }

  private static String resolveInstanceId(String configured) {
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "local";
    }
  }

  public Set<Role> roles() {
    return Role.parseList(values.get(Setting.ROLES));
  }

  public int instances(Role role) {
    return integer(switch (role) {
      case SIMULATION -> Setting.SIMULATION_INSTANCES;
      case BRIDGE -> Setting.BRIDGE_INSTANCES;
      case PERSISTENCE -> Setting.PERSISTENCE_INSTANCES;
      case WEB -> Setting.WEB_INSTANCES;
      case INGEST -> Setting.INGEST_INSTANCES;
      case TRACKING -> Setting.TRACKING_INSTANCES;
      case EVENTS -> Setting.EVENTS_INSTANCES;
    });
  }

  public boolean embeddedKafka() {
    return values.get(Setting.KAFKA_BOOTSTRAP_SERVERS).isBlank();
  }

  /** The configured external servers; for the embedded broker, see {@link #kafkaEmbeddedPort()}. */
  public String kafkaBootstrapServers() {
    return embeddedKafka() ? "localhost:" + kafkaEmbeddedPort() : values.get(Setting.KAFKA_BOOTSTRAP_SERVERS);
  }

  public int kafkaEmbeddedPort() {
    return integer(Setting.KAFKA_EMBEDDED_PORT);
  }

  public int kafkaEmbeddedControllerPort() {
    return integer(Setting.KAFKA_EMBEDDED_CONTROLLER_PORT);
  }

  public int positionsPartitions() {
    return integer(Setting.KAFKA_POSITIONS_PARTITIONS);
  }

  public int directionsPartitions() {
    return integer(Setting.KAFKA_DIRECTIONS_PARTITIONS);
  }

  public boolean embeddedMongo() {
    return values.get(Setting.MONGO_URI).isBlank();
  }

  public String mongoUri() {
    return embeddedMongo() ? "mongodb://localhost:" + mongoEmbeddedPort() : values.get(Setting.MONGO_URI);
  }

  public String mongoDatabase() {
    return values.get(Setting.MONGO_DATABASE);
  }

  public int mongoEmbeddedPort() {
    return integer(Setting.MONGO_EMBEDDED_PORT);
  }

  /** Whether the web and ingest ports serve HTTPS ({@link #tlsCertPath()}, {@link #tlsKeyPath()}). */
  public boolean tls() {
    return !values.get(Setting.TLS_CERT_PATH).isBlank();
  }

  public Path tlsCertPath() {
    return Path.of(values.get(Setting.TLS_CERT_PATH));
  }

  public Path tlsKeyPath() {
    return Path.of(values.get(Setting.TLS_KEY_PATH));
  }

  /** The configured protocol; PLAINTEXT when blank, as Kafka's own default. */
  public String kafkaSecurityProtocol() {
    String protocol = values.get(Setting.KAFKA_SECURITY_PROTOCOL);
    return protocol.isBlank() ? "PLAINTEXT" : protocol;
  }

  /** The servers and security every Kafka client of the process uses: only the security settings that are set. */
  public KafkaConnection kafkaConnection() {
    Map<String, String> security = new LinkedHashMap<>();
    for (Setting setting : KAFKA_CLIENT_SECURITY) {
      String value = values.get(setting);
      if (!value.isBlank()) {
        // Each key is the client property's name under "kafka.": kafka.sasl.mechanism -> sasl.mechanism.
        security.put(setting.key().substring(KAFKA_PREFIX.length()), value);
      }
    }
    return new KafkaConnection(kafkaBootstrapServers(), security);
  }

  /** A CA file that signed an external MongoDB's certificate; empty when the JVM's trusted CAs are used. */
  public Optional<Path> mongoTlsCaPath() {
    String path = values.get(Setting.MONGO_TLS_CA_PATH);
    return path.isBlank() ? Optional.empty() : Optional.of(Path.of(path));
  }

  public Path routesDir() {
    return Path.of(values.get(Setting.ROUTES_DIR));
  }

  public int routesMaxPoints() {
    return integer(Setting.ROUTES_MAX_POINTS);
  }

  public int routesMaxBodyBytes() {
    return integer(Setting.ROUTES_MAX_BODY_BYTES);
  }

  public long simulationIntervalMs() {
    return integer(Setting.SIMULATION_INTERVAL_MS);
  }

  public int maxActiveDeliveries() {
    return integer(Setting.DELIVERIES_MAX_ACTIVE);
  }

  public int arrivalRadiusMetres() {
    return integer(Setting.ARRIVAL_RADIUS_METRES);
  }

  public Duration arrivalDwell() {
    return Duration.ofSeconds(integer(Setting.ARRIVAL_DWELL_SECONDS));
  }

  public int arrivalNoticeMetres() {
    return integer(Setting.ARRIVAL_NOTICE_METRES);
  }

  /** Zero when the arriving event is raised by distance only. */
  public Duration arrivalNotice() {
    return Duration.ofMinutes(integer(Setting.ARRIVAL_NOTICE_MINUTES));
  }

  public Duration stalledAfter() {
    return Duration.ofSeconds(integer(Setting.STALLED_AFTER_SECONDS));
  }

  public int offRouteMetres() {
    return integer(Setting.OFF_ROUTE_METRES);
  }

  public int offRouteFixes() {
    return integer(Setting.OFF_ROUTE_FIXES);
  }

  public Duration webhookRetryFor() {
    return Duration.ofHours(integer(Setting.WEBHOOK_RETRY_HOURS));
  }

  public Duration webhookRetryMaxInterval() {
    return Duration.ofSeconds(integer(Setting.WEBHOOK_RETRY_MAX_INTERVAL_SECONDS));
  }

  public Duration webhookTimeout() {
    return Duration.ofSeconds(integer(Setting.WEBHOOK_TIMEOUT_SECONDS));
  }

  public boolean webhookAllowPrivate() {
    return Boolean.parseBoolean(values.get(Setting.WEBHOOK_ALLOW_PRIVATE).trim());
  }

  public Duration consumerStall() {
    return Duration.ofSeconds(integer(Setting.CONSUMER_STALL_SECONDS));
  }

  public int maxConcurrentLists() {
    return integer(Setting.API_MAX_CONCURRENT_LISTS);
  }

  public int maxConcurrentTrackReads() {
    return integer(Setting.API_MAX_CONCURRENT_TRACK_READS);
  }

  public int bridgeMaxBodyBytes() {
    return integer(Setting.BRIDGE_MAX_BODY_BYTES);
  }

  public int bridgeMaxRegistrations() {
    return integer(Setting.BRIDGE_MAX_REGISTRATIONS);
  }

  public int bridgeFleetIntervalMs() {
    return integer(Setting.BRIDGE_FLEET_INTERVAL_MS);
  }

  public int bridgeMaxStartsPerMinute() {
    return integer(Setting.BRIDGE_MAX_STARTS_PER_MINUTE);
  }

  public int ingestMaxBodyBytes() {
    return integer(Setting.INGEST_MAX_BODY_BYTES);
  }

  public Duration ingestMaxFuture() {
    return Duration.ofSeconds(integer(Setting.INGEST_MAX_FUTURE_SECONDS));
  }

  public long checkpointIntervalMs() {
    return integer(Setting.CHECKPOINT_INTERVAL_MS);
  }

  public Duration deviceOfflineAfter() {
    return Duration.ofSeconds(integer(Setting.DEVICE_OFFLINE_AFTER_SECONDS));
  }

  public List<String> corsAllowedOrigins() {
    String origins = values.get(Setting.CORS_ALLOWED_ORIGINS);
    return origins.isBlank() ? List.of() : Arrays.stream(origins.split(",")).map(String::trim).toList();
  }

  public String mapTilesUrl() {
    return values.get(Setting.MAP_TILES_URL);
  }

  /** Blank when phones reach the ingestion role on the web page's host at {@link #ingestPort()}. */
  public String ingestPublicUrl() {
    return values.get(Setting.INGEST_PUBLIC_URL);
  }

  public int warmupSeconds() {
    return integer(Setting.WARMUP_SECONDS);
  }

  public String logLevel() {
    return values.get(Setting.LOG_LEVEL).toUpperCase(java.util.Locale.ROOT);
  }

  public boolean httpTrustForwarded() {
    return Boolean.parseBoolean(values.get(Setting.HTTP_TRUST_FORWARDED).trim());
  }

  /** The first admin's password when set; blank means one is generated. */
  public String adminPassword() {
    return values.get(Setting.ADMIN_PASSWORD);
  }

  /** The configured signing secret, or empty when the store keeps a generated one. */
  public Optional<String> authTokenSecret() {
    String secret = values.get(Setting.AUTH_TOKEN_SECRET);
    return secret.isBlank() ? Optional.empty() : Optional.of(secret);
  }

  public Duration authSessionTtl() {
    return Duration.ofMinutes(integer(Setting.AUTH_SESSION_TTL_MINUTES));
  }

  public int authMaxFailuresPerMinute() {
    return integer(Setting.AUTH_MAX_FAILURES_PER_MINUTE);
  }

  public Duration trackingLinkTtl() {
    return Duration.ofHours(integer(Setting.TRACKING_LINK_TTL_HOURS));
  }

  /** The OpenID Connect issuer, or empty when operators sign in with accounts of the store only. */
  public Optional<String> oidcIssuer() {
    String issuer = values.get(Setting.OIDC_ISSUER).trim();
    return issuer.isEmpty() ? Optional.empty() : Optional.of(issuer);
  }

  public String oidcClientId() {
    return values.get(Setting.OIDC_CLIENT_ID).trim();
  }

  public String oidcClientSecret() {
    return values.get(Setting.OIDC_CLIENT_SECRET);
  }

  /** Where the provider sends browsers back to; empty = worked out from each sign-in's request. */
  public Optional<String> oidcRedirectUrl() {
    String url = values.get(Setting.OIDC_REDIRECT_URL).trim();
    return url.isEmpty() ? Optional.empty() : Optional.of(url);
  }

  public String oidcRolesClaim() {
    return values.get(Setting.OIDC_ROLES_CLAIM).trim();
  }

  /** One line per key, for the start-up log: secrets hidden, connection strings shown without credentials. */
  public String describe() {
    return Arrays.stream(Setting.values())
        .map(s -> String.format("  %-34s %-32s = %s", s.key(), s.envVar(), shown(s, values.get(s))))
        .collect(Collectors.joining("\n"));
  }

  /** A value as logs and error messages may show it. A blank secret stays blank: that it is unset is no secret. */
  private static String shown(Setting setting, String value) {
    if (setting.isSecret()) {
      return value.isBlank() ? value : REDACTED;
    }
    return withoutCredentials(value);
  }

  /**
   * A connection string without its user information (up to the last '@' before the path, so an unescaped '@' in a
   * password hides it all) and without the values of options that carry credentials (a MongoDB URI's
   * {@code authMechanismProperties} may hold an AWS session token).
   */
  static String withoutCredentials(String value) {
    return CREDENTIAL_OPTION.matcher(USER_INFO.matcher(value).replaceAll("://" + REDACTED + "@")).replaceAll("$1" + REDACTED);
  }

  /** A configuration value that cannot be used; its message is the one line the user sees. */
  public static final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
      super(message);
    }
  }
}
