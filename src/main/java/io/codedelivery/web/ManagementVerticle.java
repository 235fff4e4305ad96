package io.codedelivery.web;

import io.codedelivery.AppContext;
import io.codedelivery.kafka.BridgeVerticle;
import io.codedelivery.persistence.PersistenceVerticle;
import io.codedelivery.simulation.SimulationVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health and metrics on the management port, in every process whatever its roles, so probes and Prometheus
 * reach simulation-only and persistence-only pods too. Also keeps the consumer-lag gauges current.
 */
public final class ManagementVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ManagementVerticle.class);
  private static final long LAG_INTERVAL_MS = 5_000;

  private final AppContext context;
  private final KafkaAdminClient admin;
  private HttpServer server;

  /** @param admin the process's admin client, owned (and closed) by the application */
  public ManagementVerticle(AppContext context, KafkaAdminClient admin) {
    this.context = context;
    this.admin = admin;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(LAG_INTERVAL_MS, id -> updateLag());
    Router router = Router.router(vertx);
    ManagementRoutes.mount(router, vertx, context);
    AllowedMethods.complete(router);
    return HttpServers.create(vertx, context.config(), context.metrics()).requestHandler(router).listen(context.config().managementPort())
        .onSuccess(s -> {
          server = s;
          LOG.info("Health and metrics on http://localhost:{}/health/ready and /metrics", s.actualPort());
        });
  }

  private void updateLag() {
    List<String> groups = List.of(SimulationVerticle.GROUP_ID, PersistenceVerticle.GROUP_ID,
        BridgeVerticle.groupId(context.config().instanceId()));
    for (String group : groups) {
      admin.listConsumerGroupOffsets(group).compose(committed -> {
        if (committed.isEmpty()) {
          return Future.succeededFuture(0L);
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.LATEST));
        return admin.listOffsets(latest).map(ends -> ends.entrySet().stream()
            .mapToLong(end -> Math.max(0, end.getValue().getOffset() - offsetOf(committed.get(end.getKey()))))
            .sum());
      }).onSuccess(lag -> context.metrics().consumerLag(group, lag))
          .onFailure(e -> LOG.debug("Lag of {} unknown: {}", group, e.getMessage()));
    }
  }

  private static long offsetOf(OffsetAndMetadata committed) {
    return committed == null ? 0 : committed.getOffset();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
