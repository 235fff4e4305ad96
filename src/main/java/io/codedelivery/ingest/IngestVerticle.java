package io.codedelivery.ingest;

import io.codedelivery.config.AppConfig;
import io.codedelivery.kafka.KafkaClients;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.Fields;
import io.codedelivery.model.Topics;
import io.codedelivery.ops.AppContext;
import io.codedelivery.ops.HttpServers;
import io.codedelivery.ops.JsonResponse;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest port: {@code GET|POST /} (OsmAnd parameters, or Traccar Client JSON when the body is
 * {@code application/json}) and {@code POST /owntracks}. Each fix of a registered device is produced to
 * {@code device.positions}, keyed by the device's unique id, and answered 200 only once Kafka acknowledged it (acks=all,
 * idempotent producer); a fix Kafka did not take within {@link #SEND_TIMEOUT_MS} is answered 503, and the phone sends
 * it again. An unknown device or a bad fix is answered 400 with the reason and nothing is produced. A device registered
 * with a secret posts only with it, as HTTP Basic credentials ({@link DeviceLogin}); without them it is answered 401
 * with {@code WWW-Authenticate: Basic}, which OwnTracks answers by sending them.
 * <p>
 * Deliberately without a router: three endpoints, and every phone of the fleet comes through here, so a request costs
 * a decode, a set lookup and a produce. Connections stay open between requests (HTTP/1.1 keep-alive) until idle for
 * {@code http.idle.timeout.seconds}.
 */
public final class IngestVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(IngestVerticle.class);
  /**
   * Below the producer's own delivery timeout (25 s) and the request timeouts of the apps: a phone told 503 sooner
   * resends sooner. Kafka may still take a fix answered 503; its resend is then the same (deviceId, fixTime) fix.
   */
  static final long SEND_TIMEOUT_MS = 10_000;
  static final int RETRY_AFTER_SECONDS = 5;
  static final String OWNTRACKS_PATH = "/owntracks";
  /** OwnTracks reads the answer as a list of messages for the phone: none. */
  private static final String OWNTRACKS_ANSWER = "[]";

  private final AppContext context;
  private final Supplier<Future<Map<String, Optional<String>>>> loadDevices;
  private PipelineMetrics metrics;
  private OsmAndDecoder osmAnd;
  private TraccarJsonDecoder traccar;
  private OwnTracksDecoder ownTracks;
  private KnownDevices devices;
  private KafkaProducer<String, String> producer;
  private int maxBodyBytes;
  /** Whether the last fix could not be stored, so an outage is logged once when it begins and once when it ends. */
  private boolean storingFailing;
  private HttpServer server;

  /** @param loadDevices reads every registered device's unique id, with its secret's hash if it has one, from the store */
  public IngestVerticle(AppContext context, Supplier<Future<Map<String, Optional<String>>>> loadDevices) {
    this.context = context;
    this.loadDevices = loadDevices;
  }

  @Override
  public Future<?> start() {
    AppConfig config = context.config();
    metrics = context.metrics();
    osmAnd = new OsmAndDecoder(config.ingestMaxFuture());
    traccar = new TraccarJsonDecoder(config.ingestMaxFuture());
    ownTracks = new OwnTracksDecoder(config.ingestMaxFuture());
    maxBodyBytes = config.ingestMaxBodyBytes();
    Supplier<Future<Map<String, DeviceLogin>>> logins = () -> loadDevices.get().map(IngestVerticle::logins);
    devices = new KnownDevices(logins, System::nanoTime, (delayMs, action) -> vertx.setTimer(delayMs, id -> action.run()));
    vertx.setPeriodic(KnownDevices.REFRESH_MS, id -> devices.reload()
        .onFailure(e -> LOG.warn("Could not refresh the registered devices: {}", e.getMessage())));
    producer = KafkaProducer.createShared(vertx, "code-delivery-ingest", KafkaClients.producer(config.kafkaConnection()));
    // A store away at start-up is no reason not to serve: the first request of each device reloads the set.
    return devices.reload().otherwise(Map.of())
        .compose(loaded -> HttpServers.create(vertx, config, metrics).requestHandler(this::handle).listen(config.ingestPort()))
        .onSuccess(s -> {
          server = s;
          LOG.info("Ingest (OsmAnd, Traccar Client, OwnTracks) listening on {}://localhost:{}/", config.tls() ? "https" : "http", s.actualPort());
        });
  }

  private void handle(HttpServerRequest request) {
    Instant receivedAt = Instant.now();
    // The driver page (served by the web role: another origin) posts here as a CORS simple request and must read the
    // answer, a 400's reason included. Devices are known by their id, never by cookies, so any origin may read it.
    request.response().putHeader("access-control-allow-origin", "*");
    String path = request.path();
    HttpMethod method = request.method();
    if (path.equals("/") && method == HttpMethod.GET) {
      answer(request, attempt(() -> osmAnd.decode(new QueryStringDecoder(request.uri()).parameters(), receivedAt))
          .compose(fix -> produce(Optional.of(fix), request, null)), "");
    } else if (path.equals("/") && method == HttpMethod.POST) {
      answer(request, body(request).map(body -> isJson(request)
          ? traccar.decode(jsonObject(body), receivedAt)
          : osmAnd.decode(parameters(request, body), receivedAt)).compose(fix -> produce(Optional.of(fix), request, null)), "");
    } else if (path.equals(OWNTRACKS_PATH) && method == HttpMethod.POST) {
      String user = request.getHeader("x-limit-u");
      answer(request, body(request).map(body -> ownTracks.decode(body.toString(StandardCharsets.UTF_8),
          user, request.getHeader("x-limit-d"), receivedAt)).compose(fix -> produce(fix, request, user)), OWNTRACKS_ANSWER);
    } else if (path.equals("/") || path.equals(OWNTRACKS_PATH)) {
      request.response().putHeader("allow", path.equals("/") ? "GET, POST" : "POST");
      error(request, 405, "method_not_allowed", method + " is not allowed on " + path);
    } else {
      error(request, 404, "not_found", "nothing at " + Fields.abbreviate(path) + "; fixes go to / (OsmAnd, Traccar Client) or "
          + OWNTRACKS_PATH);
    }
  }

  /** Decodes at once; a {@link BadFix} becomes a failed future, like a refusal found later. */
  private static Future<DeviceFix> attempt(Supplier<DeviceFix> decoder) {
    try {
      return Future.succeededFuture(decoder.get());
    } catch (BadFix bad) {
      return Future.failedFuture(bad);
    }
  }

  /**
   * The request's body, refused once it passes {@code ingest.max.body.bytes}: by its declared length before any of it
   * is read, or as it arrives.
   */
  private Future<Buffer> body(HttpServerRequest request) {
    BadFix tooLarge = new BadFix("body_too_large", "the body is larger than " + maxBodyBytes + " bytes");
    if (declaredLength(request) > maxBodyBytes) {
      return Future.failedFuture(tooLarge);
    }
    Promise<Buffer> done = Promise.promise();
    Buffer body = Buffer.buffer();
    request.handler(chunk -> {
      if (body.length() + chunk.length() > maxBodyBytes) {
        done.tryFail(tooLarge);
      } else {
        body.appendBuffer(chunk);
      }
    });
    request.exceptionHandler(done::tryFail);
    request.endHandler(end -> done.tryComplete(body));
    return done.future();
  }

  /** The Content-Length, 0 when there is none (Netty has refused a malformed one before this sees the request). */
  private static long declaredLength(HttpServerRequest request) {
    String declared = request.getHeader("content-length");
    try {
      return declared == null ? 0 : Long.parseLong(declared.strip());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static boolean isJson(HttpServerRequest request) {
    String type = request.getHeader("content-type");
    return type != null && type.strip().toLowerCase(Locale.ROOT).startsWith("application/json");
  }

  private static JsonObject jsonObject(Buffer body) {
    try {
      return new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new BadFix("bad_json", "the body is not a JSON object");
    }
  }

  /** As Traccar reads OsmAnd: the query's parameters, or the body's as a form when the query has none. */
  private static Map<String, List<String>> parameters(HttpServerRequest request, Buffer body) {
    try {
      Map<String, List<String>> query = new QueryStringDecoder(request.uri()).parameters();
      return query.isEmpty() ? new QueryStringDecoder(body.toString(StandardCharsets.UTF_8), false).parameters() : query;
    } catch (IllegalArgumentException e) {
      throw new BadFix("bad_encoding", "the parameters are not validly URL-encoded");
    }
  }

  private static Map<String, DeviceLogin> logins(Map<String, Optional<String>> secretHashes) {
    Map<String, DeviceLogin> logins = new HashMap<>(secretHashes.size() * 2);
    secretHashes.forEach((id, hash) -> logins.put(id, DeviceLogin.of(hash)));
    return logins;
  }

  /**
   * Produces the fix of a registered device, once the request showed the device's secret if it has one; done once
   * Kafka acknowledged it.
   *
   * @param user the user the request names besides the device id (OwnTracks' {@code X-Limit-U}), or null
   */
  private Future<Void> produce(Optional<DeviceFix> decoded, HttpServerRequest request, String user) {
    if (decoded.isEmpty()) {
      return Future.succeededFuture();
    }
    DeviceFix fix = decoded.get();
    return devices.find(fix.deviceId()).compose(login -> {
      if (login.isEmpty()) {
        return Future.failedFuture(new BadFix("unknown_device", "no device '" + Fields.abbreviate(fix.deviceId())
            + "' is registered; register it with POST /api/devices"));
      }
      if (!login.get().admits(request.getHeader("authorization"), Arrays.asList(fix.deviceId(), user))) {
        return Future.failedFuture(new DeviceLogin.Refused("device '" + Fields.abbreviate(fix.deviceId())
            + "' has a secret: send it as HTTP Basic credentials (user: the device id"
            + (user == null ? "" : " or '" + Fields.abbreviate(user) + "'") + ", password: the secret)"));
      }
      String value = Fields.encode(fix.toJson());
      if (value.length() > Fields.MAX_VALUE_CHARS) {
        return Future.failedFuture(new BadFix("too_many_attributes", "the fix with its extra parameters is too large"));
      }
      return producer.send(KafkaProducerRecord.create(Topics.DEVICE_POSITIONS, fix.deviceId(), value))
          .timeout(SEND_TIMEOUT_MS, TimeUnit.MILLISECONDS)
          .onSuccess(acknowledged -> metrics.fixAccepted(fix.source()))
          .mapEmpty();
    });
  }

  private void answer(HttpServerRequest request, Future<?> outcome, String okBody) {
    outcome.onSuccess(done -> {
      if (storingFailing) {
        storingFailing = false;
        LOG.info("Fixes are stored again");
      }
      request.response().setStatusCode(200);
      if (!okBody.isEmpty()) {
        request.response().putHeader("content-type", "application/json");
      }
      request.response().end(okBody);
    }).onFailure(e -> {
      if (e instanceof BadFix bad) {
        refuse(request, bad);
      } else if (e instanceof DeviceLogin.Refused refused) {
        metrics.fixRefused("unauthorized");
        request.response().putHeader("www-authenticate", "Basic realm=\"code-delivery ingest\", charset=\"UTF-8\"");
        error(request, 401, "unauthorized", refused.getMessage());
      } else {
        unavailable(request, e);
      }
    });
  }

  private void refuse(HttpServerRequest request, BadFix bad) {
    metrics.fixRefused(bad.reason());
    LOG.debug("Refused a fix from {}: {} ({})", request.remoteAddress(), bad.reason(), bad.getMessage());
    if (bad.reason().equals("body_too_large")) {
      // The rest of the body was not read: the connection cannot carry another request.
      request.response().putHeader("connection", "close");
    }
    JsonResponse.send(request.response(), 400, new JsonObject().put("error", "bad_request").put("reason", bad.reason())
        .put("message", bad.getMessage()));
  }

  private void unavailable(HttpServerRequest request, Throwable cause) {
    metrics.fixRefused("unavailable");
    if (!storingFailing) {
      storingFailing = true;
      LOG.warn("A fix could not be stored ({}); answering 503 so phones send again, until Kafka and the store answer", cause.toString());
    }
    request.response().putHeader("retry-after", String.valueOf(RETRY_AFTER_SECONDS));
    error(request, 503, "unavailable", "the fix could not be stored now; send it again");
  }

  private static void error(HttpServerRequest request, int status, String error, String message) {
    JsonResponse.send(request.response(), status, new JsonObject().put("error", error).put("message", message));
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(() -> producer == null ? Future.succeededFuture() : producer.close());
  }
}
