package io.codedelivery.web;

import io.codedelivery.config.AppConfig;
import io.codedelivery.ops.JsonResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * {@code GET /api/config}: what the pages need from the configuration: tiles and simulation pace for the map page,
 * where to post fixes for the driver page ({@code ingestUrl}; blank = the page's host on {@code ingestPort}), whether
 * the sign-in page offers signing in through the OpenID Connect provider ({@code oidc}).
 */
final class PageConfigApi {
  private final AppConfig config;

  PageConfigApi(AppConfig config) {
    this.config = config;
  }

  void mount(Router router) {
    router.get("/api/config").handler(ctx -> JsonResponse.send(ctx, 200, new JsonObject()
        .put("tilesUrl", config.mapTilesUrl())
        .put("intervalMs", config.simulationIntervalMs())
        .put("ingestUrl", config.ingestPublicUrl())
        .put("ingestPort", config.ingestPort())
        .put("oidc", config.oidcIssuer().isPresent())));
  }
}
