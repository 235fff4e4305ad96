package io.codedelivery;

import io.codedelivery.model.RouteCatalog;
import io.vertx.ext.healthchecks.HealthChecks;

/**
 * What every verticle of a process shares: the configuration, the route catalogue (read from the store at
 * start-up), the meters, and the readiness checks.
 */
public record AppContext(AppConfig config, RouteCatalog routes, PipelineMetrics metrics, HealthChecks readiness) {
}
