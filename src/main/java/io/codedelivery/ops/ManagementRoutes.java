package io.codedelivery.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/** {@code /health/live}, {@code /health/ready} and {@code /metrics}, for probes and Prometheus. */
public final class ManagementRoutes {
  private static final long LIVENESS_TIMEOUT_MS = 2_000;

  private ManagementRoutes() {
  }

  public static void mount(Router router, Vertx vertx, AppContext context) {
    // Answered from an event loop: a blocked loop times this out, which is exactly what liveness should catch.
    HealthChecks liveness = HealthChecks.create(vertx)
        .register("event-loop", LIVENESS_TIMEOUT_MS, promise -> vertx.runOnContext(v -> promise.complete(Status.OK())));
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(liveness));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(context.readiness()));
    router.get("/metrics").handler(PrometheusScrapingHandler.create((PrometheusMeterRegistry) context.metrics().registry()));
  }
}
