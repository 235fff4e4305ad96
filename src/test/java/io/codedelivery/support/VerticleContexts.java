package io.codedelivery.support;

import io.codedelivery.bridge.DeliveryAdmission;
import io.codedelivery.config.AppConfig;
import io.codedelivery.config.Setting;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.EncodedJson;
import io.codedelivery.model.LatLon;
import io.codedelivery.model.ReadOnlyJsonCodec;
import io.codedelivery.model.Route;
import io.codedelivery.model.RouteCatalog;
import io.codedelivery.ops.AppContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The smallest honest {@link AppContext} for deploying one verticle on its own: the default configuration with the
 * given settings on top, a catalogue of short routes, meters in a registry of its own, empty readiness checks and a
 * fresh admission.
 */
public final class VerticleContexts {
  /** Four points, so a whole delivery is driven in a few intervals. */
  public static final Route SHORT_ROUTE = new Route("short", "Four points", List.of(
      new LatLon(-15.80, -47.90), new LatLon(-15.81, -47.91), new LatLon(-15.82, -47.92), new LatLon(-15.83, -47.93)));
  public static final Route TWO_POINT_ROUTE = new Route("two", "Two points", List.of(
      new LatLon(-15.70, -47.80), new LatLon(-15.71, -47.81)));

  private VerticleContexts() {
  }

  /**
   * A context like the one the application gives its verticles, on this Vert.x instance. Registers the codecs the
   * application registers at start-up, which the bridge publishes positions and events with.
   */
  public static AppContext create(Vertx vertx, Map<Setting, String> settings) {
    Map<Setting, String> all = new EnumMap<>(Setting.class);
    // A consumer group of its own per context (the bridge's is named after the instance), and no host-name look-up.
    all.put(Setting.INSTANCE_ID, "unit-" + UUID.randomUUID());
    all.putAll(settings);
    AppConfig config = AppConfig.load(Map.of()).with(all);
    vertx.eventBus().registerCodec(new ReadOnlyJsonCodec());
    vertx.eventBus().registerDefaultCodec(EncodedJson.class, EncodedJson.CODEC);
    return new AppContext(config, new RouteCatalog(List.of(SHORT_ROUTE, TWO_POINT_ROUTE)),
        new PipelineMetrics(new SimpleMeterRegistry()), HealthChecks.create(vertx));
  }

  /** The places a bridge deployment admits against, as the application makes them for it. */
  public static DeliveryAdmission admission(AppContext context) {
    return new DeliveryAdmission(context.config().maxActiveDeliveries(), 60_000, System::currentTimeMillis);
  }
}
