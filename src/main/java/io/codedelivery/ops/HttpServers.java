package io.codedelivery.ops;

import io.codedelivery.config.AppConfig;
import io.codedelivery.metrics.PipelineMetrics;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The web, ingest and management servers are made alike; the web and ingest ones serve HTTPS when configured. */
public final class HttpServers {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServers.class);
  /** The name Vert.x gives its HTTP/1 request decoder in a connection's pipeline. */
  private static final String DECODER = "httpDecoder";
  /** Room for a SockJS frame around the largest body the bridge accepts, its JSON escaped once more. */
  private static final int WEBSOCKET_ENVELOPE_BYTES = 4096;
  private static final AtomicBoolean UNGUARDED_WARNED = new AtomicBoolean();
  /** Below this a compressed answer is hardly smaller (and may be larger): a short JSON error, a session. */
  public static final int COMPRESSION_THRESHOLD_BYTES = 1024;

  private HttpServers() {
  }

  /** The largest SockJS frame a client may send, on any transport: room for the largest body the bridge accepts. */
  public static int maxSockJsFrameBytes(AppConfig config) {
    return 2 * config.bridgeMaxBodyBytes() + WEBSOCKET_ENVELOPE_BYTES;
  }

  /**
   * The ingest server: a port phones reach, HTTPS when a certificate is configured. HTTP/1.1 only (no ALPN): the
   * request guard below is an HTTP/1 decoder. A TLS handshake gets the same time as a request head, so a connection
   * that never finishes one cannot hold a socket any longer than a slow header.
   */
  public static HttpServer create(Vertx vertx, AppConfig config, PipelineMetrics metrics) {
    return guarded(vertx, reachable(config), config, metrics);
  }

  /**
   * The web server: as {@link #create}, and its answers compressed (gzip or deflate) for a client that asks for it in
   * {@code Accept-Encoding}, and not otherwise; answers under {@link #COMPRESSION_THRESHOLD_BYTES} go as they are,
   * since compressing them saves nothing. Brotli and zstd are left out: Vert.x 5.0 would need native libraries for
   * them, and gzip already takes the pages' text to about a third (webroot 190 KB → 70 KB, leaflet.js 147 KB →
   * 43 KB). WebSocket frames are not compressed (see {@link #options}); SockJS's HTTP transports stream through the
   * compressor, which flushes each chunk.
   */
  public static HttpServer web(Vertx vertx, AppConfig config, PipelineMetrics metrics) {
    HttpServerOptions options = reachable(config)
        .setCompressionSupported(true)
        .setCompressors(List.of(StandardCompressionOptions.gzip(), StandardCompressionOptions.deflate()))
        .setCompressionContentSizeThreshold(COMPRESSION_THRESHOLD_BYTES);
    return guarded(vertx, options, config, metrics);
  }

  private static HttpServerOptions reachable(AppConfig config) {
    HttpServerOptions options = options(config);
    if (config.tls()) {
      options.setSsl(true)
          .setKeyCertOptions(new PemKeyCertOptions()
              .setCertPath(config.tlsCertPath().toString())
              .setKeyPath(config.tlsKeyPath().toString()))
          .setSslHandshakeTimeout(config.httpHeaderTimeoutSeconds())
          .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
    }
    return options;
  }

  /** The management server: plain HTTP always, since kubelet probes and Prometheus scrape it inside the cluster. */
  public static HttpServer management(Vertx vertx, AppConfig config, PipelineMetrics metrics) {
    return guarded(vertx, options(config), config, metrics);
  }

  /**
   * No cleartext HTTP/2 upgrade: browsers never use it, and clients that try it (Java's HttpClient does by
   * default) were seen to hang on an upgraded connection under test load. Requests too malformed to reach a
   * router still get a JSON error.
   * <p>
   * No WebSocket compression: the map's messages are small, and inflating a client's frame runs on the event
   * loop before any size check, so a 58 KB frame of compressed zeros held a loop for seconds. Compressed frames
   * are now a protocol error. Frames and messages are bounded by what the bridge accepts.
   * <p>
   * Silent connections close after the idle timeout (the SockJS bridge heartbeats within it, see
   * {@link SockJsBridge}); request heads must arrive within the header timeout ({@link GuardedRequestDecoder}).
   */
  private static HttpServerOptions options(AppConfig config) {
    int maxWebSocketMessage = maxSockJsFrameBytes(config);
    return new HttpServerOptions()
        .setHttp2ClearTextEnabled(false)
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setMaxWebSocketFrameSize(maxWebSocketMessage)
        .setMaxWebSocketMessageSize(maxWebSocketMessage)
        .setIdleTimeout(config.httpIdleTimeoutSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
  }

  private static HttpServer guarded(Vertx vertx, HttpServerOptions options, AppConfig config, PipelineMetrics metrics) {
    long headerTimeoutMs = TimeUnit.SECONDS.toMillis(config.httpHeaderTimeoutSeconds());
    return vertx.createHttpServer(options)
        .connectionHandler(connection -> guard(connection, options, headerTimeoutMs, metrics))
        .invalidRequestHandler(request -> {
          String reason = ApiError.answerInvalidRequest(request);
          LOG.debug("Refused an invalid HTTP request from {}: {}", request.remoteAddress(), reason);
          metrics.httpRefused(reason);
        });
  }

  /**
   * Puts {@link GuardedRequestDecoder} in place of Vert.x's decoder. Vert.x calls this before the connection
   * reads anything, so no byte is decoded by the one it replaces.
   */
  private static void guard(HttpConnection connection, HttpServerOptions options, long headerTimeoutMs, PipelineMetrics metrics) {
    if (!(connection instanceof ConnectionBase base) || !(base.channel().pipeline().get(DECODER) instanceof VertxHttpRequestDecoder)) {
      // Vert.x laid the pipeline out differently than 5.0 does: HttpHardeningIT says so before any release.
      if (UNGUARDED_WARNED.compareAndSet(false, true)) {
        LOG.warn("HTTP connections have no HTTP/1 decoder where Vert.x 5.0 puts it; header timeout and smuggling checks are off");
      }
      return;
    }
    ChannelPipeline pipeline = base.channel().pipeline();
    pipeline.replace(DECODER, DECODER, new GuardedRequestDecoder(options, headerTimeoutMs, () -> {
      LOG.debug("Closing HTTP connection from {}: request head not complete within {} ms", connection.remoteAddress(), headerTimeoutMs);
      metrics.httpRefused("header_timeout");
    }));
  }
}
