package io.codedelivery.web;

import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.Fields;
import io.codedelivery.ops.ApiError;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses requests that a page of another site makes through the visitor's browser: their {@code Origin} is
 * neither this server's own (the host the request was sent to) nor one of {@code cors.allowed.origins}.
 * Requests without an Origin pass (curl, server-side clients, a page's own same-origin reads); {@code Origin:
 * null} (sandboxed frames, file: pages) does not. Schemes are not compared with the request's own, so a proxy
 * that ends TLS in front of this server still counts as the same site.
 * <p>
 * With JSON-only bodies ({@link JsonOnly}) this is the whole CSRF defence today, since no cookie authorizes
 * anything yet; the session-cookie work puts it in front of every write a cookie authorizes.
 */
final class SameOrigin implements SecurityPolicyHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SameOrigin.class);

  private final Set<String> allowedOrigins;
  private final PipelineMetrics metrics;

  SameOrigin(List<String> allowedOrigins, PipelineMetrics metrics) {
    this.allowedOrigins = allowedOrigins.stream().map(SameOrigin::parse).flatMap(Optional::stream)
        .map(SiteOrigin::key).collect(Collectors.toUnmodifiableSet());
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (allows(ctx.request())) {
      ctx.next();
      return;
    }
    String origin = Fields.abbreviate(ctx.request().getHeader("origin"));
    metrics.clientFault("foreign_origin");
    LOG.debug("Refused {} {} from origin {}", ctx.request().method(), ctx.request().path(), origin);
    ApiError.send(ctx, 403, "requests from pages of " + origin
        + " are not accepted; only this site's own pages and the origins in cors.allowed.origins may make them");
  }

  boolean allows(HttpServerRequest request) {
    String header = request.getHeader("origin");
    if (header == null) {
      return true;
    }
    Optional<SiteOrigin> origin = parse(header);
    if (origin.isEmpty()) {
      return false;
    }
    return allowedOrigins.contains(origin.get().key()) || origin.get().isServedBy(request.authority());
  }

  /** An http(s) origin, or empty for {@code null} and anything else a browser would not send. */
  private static Optional<SiteOrigin> parse(String origin) {
    try {
      URI uri = new URI(origin.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        return Optional.empty();
      }
      int defaultPort = scheme.equals("https") ? 443 : 80;
      return Optional.of(new SiteOrigin(scheme, unbracketed(uri.getHost()), uri.getPort() < 0 ? defaultPort : uri.getPort(), defaultPort));
    } catch (java.net.URISyntaxException e) {
      return Optional.empty();
    }
  }

  private static String unbracketed(String host) {
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return bare.toLowerCase(Locale.ROOT);
  }

  private record SiteOrigin(String scheme, String host, int port, int defaultPort) {
    String key() {
      return scheme + "://" + host + ":" + port;
    }

    /** The request was sent to this origin's host and port (a Host without a port means the scheme's default). */
    boolean isServedBy(HostAndPort authority) {
      if (authority == null) {
        return false;
      }
      int requestPort = authority.port() < 0 ? defaultPort : authority.port();
      return host.equals(unbracketed(authority.host())) && port == requestPort;
    }
  }
}
