package io.codedelivery.support;

import io.codedelivery.Application;
import io.codedelivery.config.AppConfig;
import io.codedelivery.config.Role;
import io.codedelivery.config.Setting;
import io.codedelivery.kafka.KafkaClients;
import io.codedelivery.model.ConsumerGroups;
import java.io.IOException;
import java.io.UncheckedIOException;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.GroupState;
import org.awaitility.Awaitility;

/**
 * The whole application on its embedded infrastructure, started in this JVM on free ports and a fresh data
 * directory — the same code path as {@code java -jar}, nothing mocked.
 */
public final class TestStack implements AutoCloseable {
  /** Fast enough for tests to finish quickly, slow enough for a browser to see a vehicle move. */
  public static final String FAST_INTERVAL_MS = "20";
  /** The password of every test stack's first admin (user {@code admin}). */
  public static final String ADMIN_PASSWORD = "test-admin-password";
  /** The admin's session token, signed in once per stack (sessions and the signing key survive restarts). */
  private volatile String adminToken;
  private static TestStack shared;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  // freePort(): below Linux's default ephemeral range (32768-60999, /proc/sys/net/ipv4/ip_local_port_range) and above the
  // registered services most machines run.
  private static final int LISTEN_PORTS_START = 20_000;
  private static final int LISTEN_PORTS_SIZE = 12_000;
  private static final AtomicInteger NEXT_LISTEN_PORT = new AtomicInteger(ThreadLocalRandom.current().nextInt(LISTEN_PORTS_SIZE));

  private final Map<Setting, String> settings;
  private final EmbeddedBroker broker;
  private final EmbeddedStore store;
  private Application app;

  private TestStack(Map<Setting, String> settings, EmbeddedBroker broker, EmbeddedStore store) {
    this.settings = settings;
    this.broker = broker;
    this.store = store;
  }

  /** One stack for every test class that only needs a running system; stopped when the test JVM exits. */
  public static synchronized TestStack shared() {
    if (shared == null) {
      shared = start(Map.of());
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  /** A stack of its own, for tests that restart it or change its settings; its infrastructure is embedded in it. */
  public static TestStack start(Map<Setting, String> overrides) {
    return startWith(testSettings(overrides), null, null);
  }

  /**
   * A stack whose broker and store run beside it rather than in it, as in a real deployment, so a test can take
   * them away and bring them back ({@link #broker()}, {@link #store()}) while the application keeps running.
   */
  public static TestStack onOwnInfrastructure(Map<Setting, String> overrides) throws Exception {
    Map<Setting, String> settings = testSettings(overrides);
    AppConfig config = AppConfig.load(Map.of()).with(settings);
    EmbeddedBroker broker = EmbeddedBroker.start(config.positionsPartitions(), config.directionsPartitions());
    EmbeddedStore store;
    try {
      store = EmbeddedStore.start();
    } catch (Exception e) {
      broker.close();
      throw e;
    }
    settings.put(Setting.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
    settings.putAll(store.settings());
    return startWith(settings, broker, store);
  }

  /**
   * A second process on another stack's broker and store, running only the given roles: as a separately scaled
   * tier is deployed, so a test can stop that tier (close it) and bring it back without touching the rest.
   */
  public static TestStack alongside(TestStack other, Set<Role> roles) {
    Map<Setting, String> settings = new EnumMap<>(other.settings);
    settings.putAll(isolatedSettings("code-delivery-test-tier"));
    settings.put(Setting.INSTANCE_ID, "test-" + settings.get(Setting.HTTP_PORT));
    settings.put(Setting.ROLES, roles.stream().map(Role::configName).collect(Collectors.joining(",")));
    settings.put(Setting.KAFKA_BOOTSTRAP_SERVERS, other.kafkaBootstrapServers());
    settings.put(Setting.MONGO_URI, other.app.config().mongoUri());
    return startWith(settings, null, null);
  }

  private static Map<Setting, String> testSettings(Map<Setting, String> overrides) {
    Map<Setting, String> settings = isolatedSettings("code-delivery-test");
    settings.put(Setting.SIMULATION_INTERVAL_MS, FAST_INTERVAL_MS);
    settings.put(Setting.INSTANCE_ID, "test-" + settings.get(Setting.HTTP_PORT));
    settings.putAll(overrides);
    return settings;
  }

  private static TestStack startWith(Map<Setting, String> settings, EmbeddedBroker broker, EmbeddedStore store) {
    TestStack stack = new TestStack(settings, broker, store);
    try {
      stack.startApp();
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
    return stack;
  }

  private void startApp() {
    try {
      app = Application.start(AppConfig.load(Map.of()).with(settings));
    } catch (Exception e) {
      throw new IllegalStateException("test stack did not start", e);
    }
  }

  /** Stops the whole process's parts and starts them again on the same data directory and ports. */
  public void restart() {
    stop();
    startAgain();
  }

  /** Stops the process, as a crash or a deploy would, keeping its data directory and ports for {@link #startAgain()}. */
  public void stop() {
    if (app != null) {
      app.close();
      app = null;
    }
  }

  public void startAgain() {
    if (app == null) {
      startApp();
    }
  }

  public Application app() {
    return app;
  }

  /** The broker of a stack {@linkplain #onOwnInfrastructure on its own infrastructure}. */
  public EmbeddedBroker broker() {
    if (broker == null) {
      throw new IllegalStateException("this stack's broker is embedded in it: start it with onOwnInfrastructure");
    }
    return broker;
  }

  /** The store of a stack {@linkplain #onOwnInfrastructure on its own infrastructure}. */
  public EmbeddedStore store() {
    if (store == null) {
      throw new IllegalStateException("this stack's store is embedded in it: start it with onOwnInfrastructure");
    }
    return store;
  }

  public int httpPort() {
    return app.config().httpPort();
  }

  public String baseUrl() {
    return "http://localhost:" + httpPort();
  }

  /** A session token of the stack's admin, for {@code Authorization: Bearer} and the bridge's frames. */
  public synchronized String adminToken() {
    if (adminToken == null) {
      adminToken = signIn("admin", ADMIN_PASSWORD);
    }
    return adminToken;
  }

  /** Signs in through {@code POST /api/session} as a real client does; fails the test when refused. */
  public String signIn(String username, String password) {
    return signInAt(baseUrl(), username, password);
  }

  /**
   * Signs in on the web port at {@code baseUrl} (e.g. of an application started as a process of its own, whose
   * first admin has {@link #ADMIN_PASSWORD} when started with {@link #isolatedSettings}); fails the test when refused.
   */
  public static String signInAt(String baseUrl, String username, String password) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/session"))
          .header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", username).put("password", password).encode()))
          .build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("sign-in as " + username + " answered " + response.statusCode() + ": " + response.body());
      }
      return new JsonObject(response.body()).getString("token");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Creates a user with the given roles (as the admin) and returns its session token. */
  public String tokenOfNewUser(String username, String... roles) {
    String password = username + "-password";
    try {
      HttpResponse<String> created = HTTP.send(request("/api/users").header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", username).put("password", password)
              .put("roles", new io.vertx.core.json.JsonArray(List.of((Object[]) roles))).encode())).build(), HttpResponse.BodyHandlers.ofString());
      if (created.statusCode() != 201 && created.statusCode() != 409) {
        throw new IllegalStateException("creating user " + username + " answered " + created.statusCode() + ": " + created.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return signIn(username, password);
  }

  /** A request to this stack's web port (a path, or a whole URL) as its admin: {@code Authorization: Bearer …}. */
  public HttpRequest.Builder request(String pathOrUrl) {
    return HttpRequest.newBuilder(URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : baseUrl() + pathOrUrl))
        .header("authorization", "Bearer " + adminToken());
  }

  public String managementUrl() {
    return "http://localhost:" + app.config().managementPort();
  }

  public String kafkaBootstrapServers() {
    return app.config().kafkaBootstrapServers();
  }

  /** A plain Kafka producer with the application's own producer settings, for tests that write records themselves. */
  public KafkaProducer<String, String> kafkaProducer() {
    return new KafkaProducer<>(new HashMap<String, Object>(KafkaClients.producer(app.config().kafkaConnection())));
  }

  /** A plain Kafka consumer with the application's own consumer settings, reading the topics from the start. */
  public KafkaConsumer<String, String> kafkaConsumer(String groupId) {
    return new KafkaConsumer<>(new HashMap<String, Object>(KafkaClients.consumer(app.config().kafkaConnection(), groupId, "earliest")));
  }

  /**
   * Waits until the consumer groups have settled: the shared ones with the given number of members, and this
   * process's own bridge group with its bridge instances, and its event forwarder's group with its one. A broker stopped while groups are still forming is a
   * different (start-up) scenario from an outage of a running system.
   */
  public void awaitConsumerGroupsStable(int members) {
    Map<String, Integer> expected = Map.of(ConsumerGroups.SIMULATION, members, ConsumerGroups.PERSISTENCE, members,
        ConsumerGroups.bridge(app.config().instanceId()), app.config().instances(Role.BRIDGE),
        ConsumerGroups.bridgeEvents(app.config().instanceId()), 1);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafkaBootstrapServers()))) {
      Awaitility.await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> admin
          .describeConsumerGroups(expected.keySet()).all().get().values().stream()
          .allMatch(g -> g.groupState() == GroupState.STABLE && g.members().size() == expected.get(g.groupId())));
    }
  }

  /**
   * What a process of its own needs beside others on this machine: a new data directory (named with the given
   * prefix) and free ports for everything it listens on.
   */
  public static Map<Setting, String> isolatedSettings(String dataDirPrefix) {
    Map<Setting, String> settings = new EnumMap<>(Setting.class);
    try {
      settings.put(Setting.DATA_DIR, Files.createTempDirectory(dataDirPrefix).toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    settings.put(Setting.ADMIN_PASSWORD, ADMIN_PASSWORD);
    for (Setting port : List.of(Setting.HTTP_PORT, Setting.MANAGEMENT_PORT, Setting.INGEST_PORT, Setting.KAFKA_EMBEDDED_PORT,
        Setting.KAFKA_EMBEDDED_CONTROLLER_PORT, Setting.MONGO_EMBEDDED_PORT)) {
      settings.put(port, String.valueOf(freePort()));
    }
    return settings;
  }

  /** Settings as the environment variables that override them, for starting the application as a process. */
  public static Map<String, String> asEnv(Map<Setting, String> settings) {
    Map<String, String> env = new HashMap<>();
    settings.forEach((s, v) -> env.put(s.envVar(), v));
    return env;
  }

  /** Stops the stack and its own infrastructure, and deletes its data directory (every stack has one of its own). */
  @Override
  public void close() {
    stop();
    if (store != null) {
      store.close();
    }
    if (broker != null) {
      broker.close();
    }
    TempDirs.deleteTree(Path.of(settings.get(Setting.DATA_DIR)));
  }

  /**
   * A port nothing listens on, for a server a test starts a moment later. Taken below the kernel's ephemeral range: a
   * port the kernel hands out (ServerSocket(0)) is as likely to be given to the next outgoing connection (a Kafka
   * client's, a browser's) before the server binds it, and the stack then failed to start with "Address already in
   * use". Ports are handed out in turn from a random start, so no two asked for by this JVM are the same.
   */
  public static int freePort() {
    for (int attempt = 0; attempt < LISTEN_PORTS_SIZE; attempt++) {
      int port = LISTEN_PORTS_START + Math.floorMod(NEXT_LISTEN_PORT.getAndIncrement(), LISTEN_PORTS_SIZE);
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(port));
        return port;
      } catch (IOException inUse) {
        // taken by another process: the next one
      }
    }
    throw new IllegalStateException("no free port in " + LISTEN_PORTS_START + "-" + (LISTEN_PORTS_START + LISTEN_PORTS_SIZE - 1));
  }
}
