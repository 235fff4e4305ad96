package io.codedelivery.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Every configuration key, defined once. Defaults live in {@code conf/application.properties};
 * each key can be overridden by the environment variable named after it ({@code http.port} → {@code HTTP_PORT}).
 */
public enum Setting {
  HTTP_PORT("http.port", "HTTP port of the web role (REST, SockJS bridge, map page)", Rule.PORT),
  MANAGEMENT_PORT("management.port", "HTTP port of /health/live, /health/ready and /metrics, served by every process", Rule.PORT),
  INGEST_PORT("ingest.port", "HTTP port of the ingest role, where phones and trackers post fixes (OsmAnd, Traccar Client, OwnTracks)", Rule.PORT),
  HTTP_IDLE_TIMEOUT_SECONDS("http.idle.timeout.seconds", "an HTTP connection (either port) with nothing read or written for this long is closed; SockJS heartbeats keep map connections above it", Rule.range(2, 3600)),
  HTTP_HEADER_TIMEOUT_SECONDS("http.header.timeout.seconds", "time a client has to send a request's line and headers once it began; slower connections are closed", Rule.range(1, 600)),
  DATA_DIR("data.dir", "directory of the embedded broker and store", Rule.NOT_BLANK),
  INSTANCE_ID("instance.id", "name of this process; blank = host name. Each process's bridge has its own consumer group", Rule.OPTIONAL),
  ROLES("roles", "verticles this process deploys, comma-separated", Rule.ROLES),
  SIMULATION_INSTANCES("simulation.instances", "simulation verticle instances", Rule.instances()),
  BRIDGE_INSTANCES("bridge.instances", "Kafka bridge verticle instances", Rule.instances()),
  PERSISTENCE_INSTANCES("persistence.instances", "persistence verticle instances", Rule.instances()),
  WEB_INSTANCES("web.instances", "web verticle instances (they share the HTTP port)", Rule.instances()),
  INGEST_INSTANCES("ingest.instances", "ingest verticle instances (they share the ingest port)", Rule.instances()),
  TRACKING_INSTANCES("tracking.instances", "tracking verticle instances (device fixes in, positions of their deliveries out)", Rule.instances()),
  EVENTS_INSTANCES("events.instances", "events verticle instances (delivery events from positions; the process's webhook sender beside them)", Rule.instances()),
  KAFKA_BOOTSTRAP_SERVERS("kafka.bootstrap.servers", "external Kafka (host:port,…); blank = start the embedded broker", Rule.HOST_PORTS),
  KAFKA_EMBEDDED_PORT("kafka.embedded.port", "client port of the embedded broker", Rule.PORT),
  KAFKA_EMBEDDED_CONTROLLER_PORT("kafka.embedded.controller.port", "KRaft controller port of the embedded broker", Rule.PORT),
  KAFKA_POSITIONS_PARTITIONS("kafka.positions.partitions", "partitions of route.new-position when this process creates it", Rule.range(1, 1000)),
  KAFKA_DIRECTIONS_PARTITIONS("kafka.directions.partitions", "partitions of route.new-direction when this process creates it", Rule.range(1, 1000)),
  MONGO_URI("mongo.uri", "external MongoDB connection string; blank = start the embedded store", Rule.MONGO_URI),
  MONGO_DATABASE("mongo.database", "MongoDB database name", Rule.NAME),
  MONGO_EMBEDDED_PORT("mongo.embedded.port", "port of the embedded MongoDB-wire store", Rule.PORT),
  // TLS and secured infrastructure: HTTPS on the public ports, and how external Kafka and MongoDB are reached.
  TLS_CERT_PATH("tls.cert.path", "PEM certificate (chain) of the web and ingest ports; with tls.key.path they serve HTTPS. Blank (both) = plain HTTP. The management port always stays plain HTTP", Rule.READABLE_FILE),
  TLS_KEY_PATH("tls.key.path", "PEM private key (PKCS#8 or PKCS#1) of tls.cert.path; blank (both) = plain HTTP", Rule.READABLE_FILE),
  KAFKA_SECURITY_PROTOCOL("kafka.security.protocol", "security.protocol of every Kafka client, external Kafka only (the embedded broker is plaintext); blank = PLAINTEXT", Rule.oneOf("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")),
  KAFKA_SASL_MECHANISM("kafka.sasl.mechanism", "sasl.mechanism of every Kafka client, external Kafka with a SASL_* protocol only; blank = the client's default", Rule.oneOf("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER")),
  KAFKA_SASL_JAAS_CONFIG("kafka.sasl.jaas.config", "sasl.jaas.config of every Kafka client (a secret: never logged), external Kafka with a SASL_* protocol only", Rule.OPTIONAL),
  KAFKA_SSL_TRUSTSTORE_LOCATION("kafka.ssl.truststore.location", "ssl.truststore.location of every Kafka client, external Kafka with SSL or SASL_SSL only; blank = the JVM's trusted CAs", Rule.READABLE_FILE),
  KAFKA_SSL_TRUSTSTORE_PASSWORD("kafka.ssl.truststore.password", "ssl.truststore.password (a secret: never logged), external Kafka with SSL or SASL_SSL only", Rule.OPTIONAL),
  KAFKA_SSL_TRUSTSTORE_TYPE("kafka.ssl.truststore.type", "ssl.truststore.type, external Kafka with SSL or SASL_SSL only; blank = JKS", Rule.oneOf("JKS", "PKCS12", "PEM")),
  MONGO_TLS_CA_PATH("mongo.tls.ca.path", "PEM file of the CA(s) that signed an external MongoDB's certificate; setting it turns TLS on. Blank = the JVM's trusted CAs (TLS from mongo.uri's tls=true, or mongodb+srv://)", Rule.READABLE_FILE),
  ROUTES_DIR("routes.dir", "directory of the route files seeded into the catalogue", Rule.NOT_BLANK),
  // A stored route is one document: 200,000 points stay well inside MongoDB's 16 MB document limit.
  ROUTES_MAX_POINTS("routes.max.points", "most points an uploaded route (POST /api/routes) may have", Rule.range(2, 200_000)),
  ROUTES_MAX_BODY_BYTES("routes.max.body.bytes", "largest POST /api/routes body (GeoJSON or GPX) in bytes; larger is answered 413 unread", Rule.range(1_024, 67_108_864)),
  SIMULATION_INTERVAL_MS("simulation.interval.ms", "time between two positions of a vehicle, in milliseconds", Rule.range(10, 60_000)),
  DELIVERIES_MAX_ACTIVE("deliveries.max.active", "deliveries running at once, per process: the bridge refuses starts and the simulation takes no directions beyond it", Rule.range(1, 1_000_000)),
  ARRIVAL_RADIUS_METRES("arrival.radius.metres", "a device's delivery has arrived once the vehicle stays this close to its destination, in metres, for arrival.dwell.seconds", Rule.range(1, 10_000)),
  ARRIVAL_DWELL_SECONDS("arrival.dwell.seconds", "how long the vehicle must stay within arrival.radius.metres of the destination, measured on the fixes' own times (0 = at the first fix within it)", Rule.range(0, 86_400)),
  ARRIVAL_NOTICE_METRES("arrival.notice.metres", "a delivery raises its arriving event once the vehicle is this close to its destination, in metres (or arrival.notice.minutes away, whichever comes first)", Rule.range(1, 100_000)),
  ARRIVAL_NOTICE_MINUTES("arrival.notice.minutes", "a delivery raises its arriving event once its ETA is this close, in minutes (or within arrival.notice.metres); 0 = by distance only", Rule.range(0, 1_440)),
  STALLED_AFTER_SECONDS("stalled.after.seconds", "a delivery en route with no position for this long raises a stalled event (resumed when positions return)", Rule.range(5, 86_400)),
  OFF_ROUTE_METRES("off.route.metres", "a position further than this from the delivery's planned route, in metres, counts as off the route", Rule.range(1, 100_000)),
  OFF_ROUTE_FIXES("off.route.fixes", "consecutive positions off the planned route that raise an off_route event (as many back on it raise back_on_route)", Rule.range(1, 1_000)),
  WEBHOOK_RETRY_HOURS("webhook.retry.hours", "a webhook delivery not answered 2xx is retried, with exponential backoff and jitter, for this long after its event; then it is marked failed", Rule.range(1, 720)),
  WEBHOOK_RETRY_MAX_INTERVAL_SECONDS("webhook.retry.max.interval.seconds", "longest wait between two attempts of one webhook delivery (the backoff doubles from 1 s up to this)", Rule.range(1, 86_400)),
  WEBHOOK_TIMEOUT_SECONDS("webhook.timeout.seconds", "an endpoint that has not answered a webhook POST within this long counts as failed for that attempt", Rule.range(1, 300)),
  WEBHOOK_ALLOW_PRIVATE("webhook.allow.private", "true lets webhooks target loopback, link-local and private addresses (a receiver on the same host or network); false refuses them (SSRF)", Rule.BOOLEAN),
  CONSUMER_STALL_SECONDS("consumer.stall.seconds", "seconds a consumer partition of this process may go without committing while records wait, before readiness reports it stalled (the simulation may also hold a direction while its longest route drives)", Rule.range(1, 86_400)),
  BRIDGE_MAX_BODY_BYTES("bridge.max.body.bytes", "largest message body a browser may send over the SockJS bridge, and largest POST /api/deliveries body", Rule.range(64, 1_048_576)),
  BRIDGE_MAX_REGISTRATIONS("bridge.max.registrations", "addresses one SockJS connection may listen to", Rule.range(1, 100_000)),
  BRIDGE_FLEET_INTERVAL_MS("bridge.fleet.interval.ms", "how often the fleet feed (deliveries.fleet) publishes the latest state of each delivery that moved since its last message", Rule.range(50, 60_000)),
  BRIDGE_MAX_STARTS_PER_MINUTE("bridge.max.starts.per.minute", "start requests one SockJS connection may make a minute", Rule.range(1, 100_000)),
  INGEST_MAX_BODY_BYTES("ingest.max.body.bytes", "largest request body the ingest port reads; a bigger one is answered 400 and not produced", Rule.range(256, 1_048_576)),
  INGEST_MAX_FUTURE_SECONDS("ingest.max.future.seconds", "a fix stamped more than this ahead of the server's clock is refused (400): a phone whose clock is wrong would otherwise place it after every later fix", Rule.range(0, 86_400)),
  CHECKPOINT_INTERVAL_MS("checkpoint.interval.ms", "how often the tracking and events stages save their devices' and deliveries' state, in milliseconds: one write per device and per delivery each time, however many fixes came. The device list's last fix is up to this old, and a restart or a rebalance reads again what came since the last save", Rule.range(100, 60_000)),
  DEVICE_OFFLINE_AFTER_SECONDS("device.offline.after.seconds", "a device with no fix for this long is shown offline by GET /api/devices", Rule.range(1, 2_592_000)),
  API_MAX_CONCURRENT_LISTS("api.max.concurrent.lists", "GET /api/deliveries list queries one process runs at once; more are answered 503 busy with Retry-After", Rule.range(1, 1_000)),
  API_MAX_CONCURRENT_TRACK_READS("api.max.concurrent.track.reads", "whole-track reads (track exports, summaries, daily reports) one process runs at once; more are answered 503 busy with Retry-After", Rule.range(1, 1_000)),
  CORS_ALLOWED_ORIGINS("cors.allowed.origins", "origins allowed to call the REST API and open the SockJS bridge from other sites, comma-separated; blank = none (closed)", Rule.ORIGINS),
  MAP_TILES_URL("map.tiles.url", "tile URL template of the map page; blank = no tiles", Rule.OPTIONAL),
  INGEST_PUBLIC_URL("ingest.public.url", "URL at which phones reach the ingestion role, where the driver page posts fixes; blank = the page's own host on the ingestion port", Rule.URL),
  HTTP_TRUST_FORWARDED("http.trust.forwarded", "true behind a proxy or ingress that sets X-Forwarded-For/-Proto/-Host (and overwrites what clients send): sign-in throttling then keys on the client's address and the session cookie is Secure when the client used HTTPS. Never true without such a proxy", Rule.BOOLEAN),
  ADMIN_PASSWORD("admin.password", "password of the first admin, created on the first start with no users; blank = a random one, written to <data.dir>/initial-admin-password and logged once", Rule.OPTIONAL),
  AUTH_TOKEN_SECRET("auth.token.secret", "secret (at least 32 characters) that signs session tokens and tracking links; blank = one generated and kept in the store, shared by every process", Rule.SECRET),
  AUTH_SESSION_TTL_MINUTES("auth.session.ttl.minutes", "how long a sign-in (session cookie or bearer token) lasts", Rule.range(1, 43_200)),
  AUTH_MAX_FAILURES_PER_MINUTE("auth.max.failures.per.minute", "failed sign-ins allowed a minute per client address and per user name; more are answered 429 with Retry-After", Rule.range(1, 10_000)),
  TRACKING_LINK_TTL_HOURS("tracking.link.ttl.hours", "a customer's tracking link stops working this long after its delivery ends", Rule.range(1, 8_760)),
  OIDC_ISSUER("oidc.issuer", "OpenID Connect issuer URL (its /.well-known/openid-configuration is read at start); blank = accounts in the store only", Rule.URL),
  OIDC_CLIENT_ID("oidc.client.id", "OpenID Connect client id of this application (the audience its tokens must carry)", Rule.OPTIONAL),
  OIDC_CLIENT_SECRET("oidc.client.secret", "OpenID Connect client secret, for the sign-in redirect", Rule.OPTIONAL),
  OIDC_REDIRECT_URL("oidc.redirect.url", "address the provider sends browsers back to after sign-in (register it at the provider); blank = <the address the browser used>/api/session/oidc/callback. Set it behind a proxy that ends TLS", Rule.URL),
  OIDC_ROLES_CLAIM("oidc.roles.claim", "claim of an OpenID Connect token that holds the user's roles (admin, dispatcher, viewer); dots reach into objects (realm_access.roles)", Rule.NOT_BLANK),
  WARMUP_SECONDS("warmup.seconds", "seconds of rehearsal on a private copy of the application (embedded, temporary, free ports) before this one starts, so the JIT compiles the position path before the first users: readiness comes this much later; 0 = none", Rule.range(0, 600)),
  LOG_LEVEL("log.level", "level of the application's own logs", Rule.LOG_LEVEL);

  private final String key;
  private final String description;
  private final Rule rule;

  Setting(String key, String description, Rule rule) {
    this.key = key;
    this.description = description;
    this.rule = rule;
  }

  public String key() {
    return key;
  }

  public String envVar() {
    return key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  /** A value that must never be printed: passwords, keys and secrets. */
  public boolean isSecret() {
    return key.contains("password") || key.contains("secret") || key.contains("jaas");
  }

  public String description() {
    return description;
  }


  /** Checks a raw value; returns null when it is fine, else what is allowed. */
  String problemWith(String value) {
    return rule.accepts.test(value) ? null : rule.allowed;
  }

  /** How a value is checked, and the words that tell the user what is allowed. */
  record Rule(Predicate<String> accepts, String allowed) {
    static final Rule OPTIONAL = new Rule(v -> true, "any text");
    static final Rule NOT_BLANK = new Rule(v -> !v.isBlank(), "a non-empty value");
    static final Rule NAME = matching("[A-Za-z0-9_-]{1,64}", "letters, digits, '_' or '-' (1-64 characters)");
    static final Rule PORT = range(1, 65_535);
    static final Rule HOST_PORTS = new Rule(
        v -> v.isBlank() || Pattern.matches("[^\\s,:]+:\\d{1,5}(,[^\\s,:]+:\\d{1,5})*", v.trim()),
        "blank (embedded broker) or host:port[,host:port…]");
    static final Rule MONGO_URI = new Rule(
        v -> v.isBlank() || v.startsWith("mongodb://") || v.startsWith("mongodb+srv://"),
        "blank (embedded store) or a mongodb:// or mongodb+srv:// connection string");
    static final Rule ROLES = new Rule(Role::validList, "a comma-separated, non-empty subset of " + Role.names());
    static final Rule ORIGINS = new Rule(
        v -> v.isBlank() || Pattern.matches("https?://[^\\s,/]+(,https?://[^\\s,/]+)*", v.trim()),
        "blank (no other origin) or http(s)://host[:port][,…]");
    static final Rule URL = new Rule(
        v -> v.isBlank() || Pattern.matches("https?://[^\\s/?#]+(/\\S*)?", v.trim()),
        "blank or an http(s):// URL");
    static final Rule BOOLEAN = matching("(?i)true|false", "true or false");
    static final Rule SECRET = new Rule(v -> v.isBlank() || v.length() >= 32, "blank (generated) or at least 32 characters");
    /** Checked at start-up, so that a mistyped path or a file the process may not read stops it with one line. */
    static final Rule READABLE_FILE = new Rule(v -> v.isBlank() || readableFile(v.trim()), "blank or the path of a readable file");
    static final Rule LOG_LEVEL = matching("(?i)TRACE|DEBUG|INFO|WARN|ERROR", "one of TRACE, DEBUG, INFO, WARN, ERROR");

    static Rule range(int min, int max) {
      return new Rule(v -> {
        try {
          int n = Integer.parseInt(v.trim());
          return n >= min && n <= max;
        } catch (NumberFormatException e) {
          return false;
        }
      }, "a whole number from " + min + " to " + max);
    }

    static Rule instances() {
      return range(1, 64);
    }

    /** Blank, or exactly one of the values (case matters: the Kafka clients compare some of them exactly). */
    static Rule oneOf(String... values) {
      List<String> allowed = List.of(values);
      return new Rule(v -> v.isBlank() || allowed.contains(v.trim()), "blank or one of " + String.join(", ", allowed));
    }

    private static boolean readableFile(String path) {
      try {
        Path file = Path.of(path);
        return Files.isRegularFile(file) && Files.isReadable(file);
      } catch (InvalidPathException e) {
        return false;
      }
    }

    static Rule matching(String regex, String allowed) {
      Pattern pattern = Pattern.compile(regex);
      return new Rule(v -> pattern.matcher(v.trim()).matches(), allowed);
    }
  }
}
