package io.codedelivery.ops;

import io.codedelivery.config.AppConfig;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.RouteCatalog;
import io.vertx.ext.healthchecks.HealthChecks;

/**
 * What every verticle of a process shares: the configuration, the route catalogue (read from the store at
 * start-up), the meters, and the readiness checks.
 */
public record AppContext(AppConfig config, RouteCatalog routes, PipelineMetrics metrics, HealthChecks readiness) {
}
