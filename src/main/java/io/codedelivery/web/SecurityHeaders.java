package io.codedelivery.web;

import io.codedelivery.config.AppConfig;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.XFrameHandler;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Response headers for the pages and the API: a strict Content-Security-Policy (own scripts and styles only,
 * images also from the tile server), no framing, no MIME sniffing, no referrer, no device sensors; CORS closed
 * unless configured. The driver page alone may use geolocation and post to the ingestion role.
 */
final class SecurityHeaders {
  private static final Pattern ORIGIN = Pattern.compile("^(https?://[^/?#]+)");
  /** A host as a CSP source may name it; anything else in a Host header is left out of the policy. */
  private static final Pattern HOST = Pattern.compile("\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+");
  private static final String CONTENT_SECURITY_POLICY = "Content-Security-Policy";
  private static final String PERMISSIONS_POLICY = "Permissions-Policy";

  private SecurityHeaders() {
  }

  static void mount(Router router, AppConfig config) {
    String policy = contentSecurityPolicy(config, "'self'");
    router.route().handler(XFrameHandler.create(XFrameHandler.DENY)).handler(ctx -> {
      ctx.response().headers()
          .set(CONTENT_SECURITY_POLICY, policy)
          .set("X-Content-Type-Options", "nosniff")
          .set("Referrer-Policy", "no-referrer")
          .set(PERMISSIONS_POLICY, "geolocation=(), camera=(), microphone=()");
      ctx.next();
    });
    if (!config.corsAllowedOrigins().isEmpty()) {
      router.route("/api/*").handler(CorsHandler.create()
          .addOrigins(config.corsAllowedOrigins())
          .allowedMethod(HttpMethod.GET)
          .allowedMethod(HttpMethod.POST)
          .allowedMethod(HttpMethod.PUT)
          .allowedMethod(HttpMethod.DELETE)
          .allowedHeader("content-type")
          // Other sites' pages authorize with a bearer token: the session cookie is SameSite=Strict and stays home.
          .allowedHeader("authorization"));
    }
  }

  /** The driver page's own headers, replacing the general ones on its path (mounted after {@link #mount}). */
  static void mountDriverPage(Router router, AppConfig config, String path) {
    router.route(path).handler(ctx -> {
      String ingest = ingestSource(config, ctx.request().authority());
      ctx.response().headers()
          .set(CONTENT_SECURITY_POLICY, contentSecurityPolicy(config, ("'self' " + ingest).strip()))
          .set(PERMISSIONS_POLICY, "geolocation=(self), camera=(), microphone=()");
      ctx.next();
    });
  }

  private static String contentSecurityPolicy(AppConfig config, String connectSources) {
    return String.join("; ",
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        ("img-src 'self' data: " + originOf(config.mapTilesUrl()).replace("{s}", "*")).strip(),
        "connect-src " + connectSources,
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'");
  }

  /**
   * Where the driver page posts fixes, as a CSP source: the public ingestion URL's origin when one is set, else the
   * host the page was asked for on the ingestion port (no scheme: the page's own, as the page builds the URL).
   * Blank when neither is known, so the page can post nowhere rather than anywhere.
   */
  static String ingestSource(AppConfig config, HostAndPort requested) {
    String configured = originOf(config.ingestPublicUrl());
    if (!configured.isEmpty()) {
      return configured;
    }
    if (requested == null) {
      return "";
    }
    String host = requested.host().contains(":") && !requested.host().startsWith("[") ? "[" + requested.host() + "]" : requested.host();
    return HOST.matcher(host).matches() ? host + ":" + config.ingestPort() : "";
  }

  /** The scheme, host and port of a URL (or URL template); blank when there is none. */
  static String originOf(String url) {
    Matcher origin = ORIGIN.matcher(url.strip());
    return origin.find() ? origin.group(1) : "";
  }
}
