package io.codedelivery;

import io.codedelivery.bridge.BridgeVerticle;
import io.codedelivery.bridge.DeliveryAdmission;
import io.codedelivery.bridge.EventForwarder;
import io.codedelivery.access.Access;
import io.codedelivery.config.AppConfig;
import io.codedelivery.config.Role;
import io.codedelivery.events.EventsVerticle;
import io.codedelivery.infra.EmbeddedKafka;
import io.codedelivery.ingest.IngestVerticle;
import io.codedelivery.infra.EmbeddedMongo;
import io.codedelivery.kafka.ConsumerLag;
import io.codedelivery.kafka.KafkaClients;
import io.codedelivery.kafka.TopicSetup;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.ConsumerGroups;
import io.codedelivery.model.EncodedJson;
import io.codedelivery.model.ReadOnlyJsonCodec;
import io.codedelivery.model.RouteCatalog;
import io.codedelivery.model.Topics;
import io.codedelivery.ops.AppContext;
import io.codedelivery.ops.ManagementVerticle;
import io.codedelivery.ops.Readiness;
import io.codedelivery.persistence.DeliveryQueries;
import io.codedelivery.persistence.DeviceStore;
import io.codedelivery.persistence.Migrations;
import io.codedelivery.persistence.PersistenceVerticle;
import io.codedelivery.persistence.RouteStore;
import io.codedelivery.persistence.Store;
import io.codedelivery.simulation.ResumePoints;
import io.codedelivery.simulation.RouteFiles;
import io.codedelivery.simulation.SimulationVerticle;
import io.codedelivery.tracking.TrackingVerticle;
import io.codedelivery.web.WebVerticle;
import io.codedelivery.webhooks.WebhookVerticle;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Code Delivery process: embedded infrastructure when no external one is configured, topics and
 * store migrations, then the verticles of the configured roles plus the management endpoints.
 * {@link #close()} stops everything in reverse order.
 */
public final class Application implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Application.class);
  private static final long START_TIMEOUT_SECONDS = 60;

  private final AppConfig config;
  /** Written as roles finish deploying, read by readiness probes on an event loop. */
  private final Set<Role> deployed = ConcurrentHashMap.newKeySet();
  private EmbeddedKafka embeddedKafka;
  private EmbeddedMongo embeddedMongo;
  private Vertx vertx;
  /** One admin client per process: readiness probes and consumer lag share it. */
  private KafkaAdminClient kafkaAdmin;
  private AppContext context;

  private Application(AppConfig config) {
    this.config = config;
  }

  /** Starts the process and returns once every verticle is deployed; blocking, so call it from {@code main}. */
  public static Application start(AppConfig config) throws Exception {
    Application app = new Application(config);
    try {
      app.startAll();
      return app;
    } catch (Exception e) {
      app.close();
      throw e;
    }
  }

  private void startAll() throws Exception {
    logTransportSecurity();
    startEmbeddedKafka();
    TopicSetup.ensureTopics(config.kafkaConnection(), config.positionsPartitions(), config.directionsPartitions());
    startEmbeddedMongo();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    vertx = Vertx.builder()
        .with(new VertxOptions().setPreferNativeTransport(true).setMetricsOptions(new MicrometerMetricsOptions()
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
            // Vert.x keeps registries by name for the whole JVM: a name of our own keeps this instance's meters in
            // this registry even when tests or the benchmark run several instances side by side.
            .setRegistryName("codedelivery-" + UUID.randomUUID())
            .setJvmMetricsEnabled(true)
            // "local" tells the web and management servers apart; their meters would otherwise collide.
            .addLabels(Label.LOCAL)
            .setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    if (!vertx.isNativeTransportEnabled()) {
      Throwable cause = vertx.unavailableNativeTransportCause();
      LOG.info("Sockets use Java NIO: no native transport here ({})", cause == null ? "none for this system" : cause.toString());
    }
    vertx.eventBus().registerCodec(new ReadOnlyJsonCodec());
    vertx.eventBus().registerDefaultCodec(EncodedJson.class, EncodedJson.CODEC);
    RouteCatalog routes = prepareStore(Store.client(vertx, config, Store.Pool.READS));
    kafkaAdmin = KafkaAdminClient.create(vertx, KafkaClients.admin(config.kafkaConnection()));
    PipelineMetrics metrics = new PipelineMetrics(registry);
    ConsumerLag consumerLag = new ConsumerLag(kafkaAdmin, metrics, config.instanceId(), consumerGroups(routes));
    HealthChecks readiness = Readiness.checks(vertx, kafkaAdmin, Store.client(vertx, config, Store.Pool.PROBES),
        config.roles(), () -> Set.copyOf(deployed), consumerLag);
    context = new AppContext(config, routes, metrics, readiness);
    await(vertx.deployVerticle(new ManagementVerticle(context, consumerLag)));
    for (Role role : config.roles()) {
      deploy(role);
    }
    if (config.roles().contains(Role.SIMULATION) && !config.roles().contains(Role.TRACKING)) {
      LOG.info("No tracking role here: simulated vehicles' fixes wait on {} for a process with the tracking role",
          Topics.DEVICE_POSITIONS);
    }
  }

  /** Once, before anything listens: which ports are HTTPS, and how Kafka and MongoDB are reached. */
  private void logTransportSecurity() {
    List<String> publicPorts = new ArrayList<>();
    if (config.roles().contains(Role.WEB)) {
      publicPorts.add("web port " + config.httpPort());
    }
    if (config.roles().contains(Role.INGEST)) {
      publicPorts.add("ingest port " + config.ingestPort());
    }
    if (config.tls() && !publicPorts.isEmpty()) {
      LOG.info("HTTPS on the {} (certificate {}); the management port {} stays plain HTTP",
          String.join(" and the ", publicPorts), config.tlsCertPath(), config.managementPort());
    } else if (!publicPorts.isEmpty()) {
      LOG.info("Plain HTTP on the {}: set TLS_CERT_PATH and TLS_KEY_PATH for HTTPS, or put a TLS proxy in front",
          String.join(" and the ", publicPorts));
    }
    LOG.info("Kafka: {}{}", config.embeddedKafka() ? "embedded broker " : "", config.kafkaConnection());
    if (!config.embeddedMongo()) {
      LOG.info("MongoDB: TLS {}", config.mongoTlsCaPath().map(ca -> "with the CA of " + ca)
          .orElse("as the connection string says (tls=true, or mongodb+srv://)"));
    }
  }

  /**
   * An admitted delivery that shows no position for this long gives its place back: long enough for a broker
   * restart or a slow simulation interval, short enough that directions nobody drives do not lock starts out.
   */
  private static long admissionForgetAfterMs(long simulationIntervalMs) {
    return Math.max(60_000, 20 * simulationIntervalMs);
  }

  /** Migrations, then the route files seeded into the store, whose catalogue every role then uses. */
  private RouteCatalog prepareStore(MongoClient mongo) throws Exception {
    await(Migrations.run(mongo));
    if (Files.isDirectory(config.routesDir())) {
      int added = await(RouteStore.seed(mongo, RouteFiles.load(config.routesDir())));
      if (added > 0) {
        LOG.info("Seeded {} new routes from {}", added, config.routesDir());
      }
    } else {
      LOG.info("No route directory {}: using the routes already stored", config.routesDir());
    }
    RouteCatalog catalogue = await(RouteStore.load(mongo));
    if (catalogue.all().isEmpty()) {
      throw new IllegalStateException("the route catalogue is empty: put route files in "
          + config.routesDir().toAbsolutePath() + " (or set ROUTES_DIR) so they can be seeded");
    }
    LOG.info("Route catalogue: {} routes ({})", catalogue.all().size(), catalogue.ids());
    return catalogue;
  }

  /**
   * The consumer groups whose lag is shown, those of this process's roles watched for stalls. The simulation commits
   * a direction only once its delivery has finished, so it may stand still for as long as the longest route it knows
   * drives; it learns an uploaded route before driving it, so that allowance grows with what it drives.
   */
  private List<ConsumerLag.Group> consumerGroups(RouteCatalog routes) {
    Set<Role> roles = config.roles();
    Duration stall = config.consumerStall();
    Supplier<Duration> simulationStall = () -> stall.plus(Duration.ofMillis(
        routes.all().stream().mapToInt(route -> route.points().size()).max().orElse(0) * config.simulationIntervalMs()));
    return List.of(
        new ConsumerLag.Group(ConsumerGroups.SIMULATION, roles.contains(Role.SIMULATION), true, simulationStall),
        new ConsumerLag.Group(ConsumerGroups.PERSISTENCE, roles.contains(Role.PERSISTENCE), true, stall),
        new ConsumerLag.Group(ConsumerGroups.TRACKING, roles.contains(Role.TRACKING), true, stall),
        new ConsumerLag.Group(ConsumerGroups.EVENTS, roles.contains(Role.EVENTS), true, stall),
        new ConsumerLag.Group(ConsumerGroups.WEBHOOKS, roles.contains(Role.EVENTS), true, stall),
        new ConsumerLag.Group(ConsumerGroups.bridge(config.instanceId()), roles.contains(Role.BRIDGE), false, stall),
        new ConsumerLag.Group(ConsumerGroups.bridgeEvents(config.instanceId()), roles.contains(Role.BRIDGE), false, stall));
  }

  private Supplier<? extends Deployable> verticleFor(Role role) throws Exception {
    return switch (role) {
      case SIMULATION -> {
        DeliveryQueries stored = DeliveryQueries.create(vertx, config, context.routes());
        yield () -> new SimulationVerticle(context, deliveryId -> stored.progress(deliveryId)
            .map(found -> found.map(progress -> new ResumePoints.ResumePoint(progress.lastSeq(), progress.finished()))));
      }
      case BRIDGE -> {
        // One for the deployment: its bridge instances admit against the same count.
        DeliveryAdmission admission = new DeliveryAdmission(config.maxActiveDeliveries(),
            admissionForgetAfterMs(config.simulationIntervalMs()), System::currentTimeMillis);
        yield () -> new BridgeVerticle(context, admission);
      }
      case PERSISTENCE -> () -> new PersistenceVerticle(context);
      case WEB -> {
        // One for the process: its web verticles share the signing key, the session cache and the sign-in throttle.
        Access access = await(Access.create(vertx, config));
        yield () -> new WebVerticle(context, access);
      }
      case INGEST -> {
        DeviceStore devices = DeviceStore.create(vertx, config);
        yield () -> new IngestVerticle(context, devices::logins);
      }
      case TRACKING -> () -> new TrackingVerticle(context);
      // Delivery events are computed from every position, whatever its source.
      case EVENTS -> () -> new EventsVerticle(context);
    };
  }

  private void deploy(Role role) throws Exception {
    DeploymentOptions instances = new DeploymentOptions().setInstances(config.instances(role));
    await(vertx.deployVerticle(verticleFor(role), instances));
    if (role == Role.EVENTS) {
      // One per process whatever the events instances: its per-endpoint limits count this process's requests.
      await(vertx.deployVerticle(new WebhookVerticle(context)));
    }
    // One per process, whatever the bridge's instance count: each event reaches this process's event bus once.
    if (role == Role.BRIDGE) {
      await(vertx.deployVerticle(new EventForwarder(context)));
    }
    deployed.add(role);
    LOG.info("Deployed {} × {}", config.instances(role), role.configName());
  }

  private void startEmbeddedKafka() throws Exception {
    if (config.embeddedKafka()) {
      embeddedKafka = EmbeddedKafka.start(config.dataDir(), config.kafkaEmbeddedPort(), config.kafkaEmbeddedControllerPort());
    }
  }

  private void startEmbeddedMongo() throws Exception {
    if (config.embeddedMongo()) {
      embeddedMongo = EmbeddedMongo.start(config.dataDir(), config.mongoEmbeddedPort());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** For a program that embeds the application, as the tests and the benchmark do: its Vert.x and event bus. */
  public Vertx vertx() {
    return vertx;
  }

  public AppConfig config() {
    return config;
  }

  public RouteCatalog routes() {
    return context.routes();
  }

  public PipelineMetrics metrics() {
    return context.metrics();
  }

  /** Undeploys the verticles (consumers commit what they finished), then stops embedded infrastructure. */
  @Override
  public void close() {
    if (vertx != null) {
      try {
        if (kafkaAdmin != null) {
          await(kafkaAdmin.close());
        }
        await(vertx.close());
      } catch (Exception e) {
        LOG.warn("Vert.x did not close cleanly: {}", e.toString());
      }
      vertx = null;
    }
    deployed.clear();
    if (embeddedMongo != null) {
      embeddedMongo.close();
      embeddedMongo = null;
    }
    if (embeddedKafka != null) {
      embeddedKafka.close();
      embeddedKafka = null;
    }
  }
}
