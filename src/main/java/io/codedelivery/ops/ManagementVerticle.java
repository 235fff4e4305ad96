package io.codedelivery.ops;

import io.codedelivery.kafka.ConsumerLag;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health and metrics on the management port, in every process whatever its roles, so probes and Prometheus
 * reach simulation-only and persistence-only pods too. Also keeps the consumer-lag gauges current.
 */
public final class ManagementVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ManagementVerticle.class);

  private final AppContext context;
  private final ConsumerLag consumerLag;
  private HttpServer server;

  public ManagementVerticle(AppContext context, ConsumerLag consumerLag) {
    this.context = context;
    this.consumerLag = consumerLag;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(consumerLag.intervalMs(), id -> consumerLag.update());
    Router router = Router.router(vertx);
    ManagementRoutes.mount(router, vertx, context);
    AllowedMethods.complete(router);
    return HttpServers.management(vertx, context.config(), context.metrics()).requestHandler(router).listen(context.config().managementPort())
        .onSuccess(s -> {
          server = s;
          LOG.info("Health and metrics on http://localhost:{}/health/ready and /metrics", s.actualPort());
        });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
