package io.codedelivery;

import io.codedelivery.bridge.DeliveryAdmission;
import io.codedelivery.model.RouteCatalog;
import io.vertx.ext.healthchecks.HealthChecks;

/**
 * What every verticle of a process shares: the configuration, the route catalogue (read from the store at
 * start-up), the meters, the readiness checks, and the places of the deliveries it admitted.
 */
public record AppContext(AppConfig config, RouteCatalog routes, PipelineMetrics metrics, HealthChecks readiness,
    DeliveryAdmission admission) {
}
