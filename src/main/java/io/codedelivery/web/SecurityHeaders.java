package io.codedelivery.web;

import io.codedelivery.config.AppConfig;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CSPHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.XFrameHandler;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Response headers for the page and the API: a strict Content-Security-Policy (own scripts and styles only,
 * images also from the tile server), no framing, no MIME sniffing, no referrer; CORS closed unless configured.
 */
final class SecurityHeaders {
  private static final Pattern ORIGIN = Pattern.compile("^(https?://[^/]+)");

  private SecurityHeaders() {
  }

  static void mount(Router router, AppConfig config) {
    CSPHandler csp = CSPHandler.create()
        .addDirective("default-src", "'self'")
        .addDirective("script-src", "'self'")
        .addDirective("style-src", "'self'")
        .addDirective("img-src", ("'self' data: " + tileOrigin(config.mapTilesUrl())).strip())
        .addDirective("connect-src", "'self'")
        .addDirective("object-src", "'none'")
        .addDirective("base-uri", "'self'")
        .addDirective("form-action", "'self'")
        .addDirective("frame-ancestors", "'none'");
    router.route().handler(csp).handler(XFrameHandler.create(XFrameHandler.DENY)).handler(ctx -> {
      ctx.response().headers()
          .set("X-Content-Type-Options", "nosniff")
          .set("Referrer-Policy", "no-referrer")
          .set("Permissions-Policy", "geolocation=(), camera=(), microphone=()");
      ctx.next();
    });
    if (!config.corsAllowedOrigins().isEmpty()) {
      router.route("/api/*").handler(CorsHandler.create()
          .addOrigins(config.corsAllowedOrigins())
          .allowedMethod(HttpMethod.GET)
          .allowedMethod(HttpMethod.POST)
          .allowedHeader("content-type"));
    }
  }

  /** The tile server as a CSP source; {@code {s}} sub-domains become a wildcard. Blank when there are no tiles. */
  static String tileOrigin(String tilesUrl) {
    Matcher origin = ORIGIN.matcher(tilesUrl.strip());
    return origin.find() ? origin.group(1).replace("{s}", "*") : "";
  }
}
