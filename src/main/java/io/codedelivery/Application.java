package io.codedelivery;

import io.codedelivery.infra.EmbeddedKafka;
import io.codedelivery.infra.EmbeddedMongo;
import io.codedelivery.kafka.BridgeVerticle;
import io.codedelivery.kafka.TopicSetup;
import io.codedelivery.model.RouteCatalog;
import io.codedelivery.persistence.Migrations;
import io.codedelivery.persistence.PersistenceVerticle;
import io.codedelivery.persistence.RouteStore;
import io.codedelivery.persistence.Store;
import io.codedelivery.simulation.RouteFiles;
import io.codedelivery.simulation.SimulationVerticle;
import io.codedelivery.web.WebVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mongo.MongoClient;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Code Delivery process: embedded infrastructure when no external one is configured, the topics,
 * then the verticles of the configured roles. {@link #close()} stops everything in reverse order.
 */
public final class Application implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Application.class);
  private static final long DEPLOY_TIMEOUT_SECONDS = 60;

  private final AppConfig config;
  private final List<AutoCloseable> infrastructure = new ArrayList<>();
  private final java.util.Map<Role, String> deployments = new java.util.EnumMap<>(Role.class);
  private Vertx vertx;
  private RouteCatalog routes;

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
    if (config.embeddedKafka()) {
      infrastructure.add(0, EmbeddedKafka.start(config.dataDir(), config.kafkaEmbeddedPort(), config.kafkaEmbeddedControllerPort()));
    }
    TopicSetup.ensureTopics(config.kafkaBootstrapServers(), config.positionsPartitions(), config.directionsPartitions());
    if (config.embeddedMongo()) {
      infrastructure.add(0, EmbeddedMongo.start(config.dataDir(), config.mongoEmbeddedPort()));
    }
    vertx = Vertx.vertx();
    routes = prepareStore();
    for (Role role : config.roles()) {
      deploy(role);
    }
  }

  /** Deploys one role's verticles; with {@link #undeploy(Role)}, lets operators' tools and tests stop a role and bring it back. */
  public void deploy(Role role) throws Exception {
    String id = await(vertx.deployVerticle(verticleFor(role), new DeploymentOptions().setInstances(config.instances(role))));
    deployments.put(role, id);
    LOG.info("Deployed {} × {}", config.instances(role), role.configName());
  }

  public void undeploy(Role role) throws Exception {
    String id = deployments.remove(role);
    if (id != null) {
      await(vertx.undeploy(id));
      LOG.info("Undeployed {}", role.configName());
    }
  }

  /** Migrations, then the route files seeded into the store, whose catalogue every role then uses. */
  private RouteCatalog prepareStore() throws Exception {
    MongoClient mongo = Store.client(vertx, config.mongoUri(), config.mongoDatabase());
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
      throw new IllegalStateException("the route catalogue is empty: put route files in " + config.routesDir().toAbsolutePath()
          + " (or set ROUTES_DIR) so they can be seeded");
    }
    LOG.info("Route catalogue: {} routes ({})", catalogue.all().size(), catalogue.ids());
    return catalogue;
  }

  private Supplier<? extends Deployable> verticleFor(Role role) {
    String kafka = config.kafkaBootstrapServers();
    return switch (role) {
      case SIMULATION -> () -> new SimulationVerticle(kafka, routes, config.simulationIntervalMs(), config.maxActiveDeliveries());
      case BRIDGE -> () -> new BridgeVerticle(kafka, config.instanceId(), routes, config.maxActiveDeliveries());
      case PERSISTENCE -> () -> new PersistenceVerticle(kafka, config.mongoUri(), config.mongoDatabase(), routes);
      case WEB -> () -> new WebVerticle(new WebVerticle.Options(config.httpPort(), config.bridgeMaxBodyBytes(),
          config.bridgeMaxRegistrations(), config.mapTilesUrl(), config.simulationIntervalMs(),
          config.mongoUri(), config.mongoDatabase()), routes);
    };
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(DEPLOY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  public Vertx vertx() {
    return vertx;
  }

  public AppConfig config() {
    return config;
  }

  public RouteCatalog routes() {
    return routes;
  }

  /** Undeploys the verticles (consumers commit what they finished), then stops embedded infrastructure. */
  @Override
  public void close() {
    if (vertx != null) {
      try {
        await(vertx.close());
      } catch (Exception e) {
        LOG.warn("Vert.x did not close cleanly: {}", e.toString());
      }
      vertx = null;
    }
    for (AutoCloseable part : infrastructure) {
      try {
        part.close();
      } catch (Exception e) {
        LOG.warn("{} did not stop cleanly: {}", part.getClass().getSimpleName(), e.toString());
      }
    }
    infrastructure.clear();
  }
}
