package io.codedelivery;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.codedelivery.config.AppConfig;
import io.codedelivery.config.Setting;
import io.codedelivery.model.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rehearsal on a private copy of the application: its embedded defaults in a temporary directory, on free ports,
 * touching nothing of the real one's infrastructure. Browsers sign in, start deliveries over REST and follow them
 * over SockJS while a phone posts fixes to the ingest port. The JIT compiles what they run, and the code is the same
 * in the real instance that starts after it: its first users are then not the ones who wait for the compiler
 * ({@code warmup.seconds}, README Performance). The class-data archive's training ({@link ClassArchiveTraining}) is
 * the shortest rehearsal: one delivery, up to its first position.
 */
final class WarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
  private static final long FIRST_POSITION_TIMEOUT_SECONDS = 60;
  private static final String PHONE = "warm-up-phone";
  /** Browsers following deliveries at once during a timed rehearsal. */
  private static final int BROWSERS = 50;
  /**
   * A vehicle's interval in the private copy: 50 browsers then see about 1,000 positions a second, the traffic of
   * 100 browsers at 100 ms, and a route's 120–200 points end within seconds, so starts recur too.
   */
  private static final String BUSY_INTERVAL_MS = "50";
  private static final long PHONE_INTERVAL_MS = 50;
  private static final long SETTLE_MAX_MS = 15_000;
  private static final long SETTLE_STEP_MS = 500;
  /** The scripts and style sheets a page names (the pages' own markup: one attribute order, double quotes). */
  private static final Pattern PAGE_FILES = Pattern.compile("<(?:script[^>]*\\ssrc|link rel=\"stylesheet\" href)=\"([^\"]+)\"");

  /** What a rehearsal did: ms to start the private copy, deliveries followed, positions and fixes through it. */
  record Result(long startedMs, long firstPositionMs, long deliveries, long positions, long fixes) {
  }

  private WarmUp() {
  }

  /** The class-data archive's training: one phone's fix, one delivery until its first position. */
  static Result once() throws Exception {
    return rehearse(Duration.ZERO, Map.of());
  }

  /**
   * Rehearses for {@code length} with {@link #BROWSERS} browsers and a phone, the application's own logs and those of
   * its libraries silenced below ERROR meanwhile (the private copy's start-up lines would read as the real one's).
   */
  static Result rehearse(Duration length) throws Exception {
    LoggerContext logs = (LoggerContext) LoggerFactory.getILoggerFactory();
    TurboFilter errorsOnly = new TurboFilter() {
      @Override
      public FilterReply decide(org.slf4j.Marker marker, ch.qos.logback.classic.Logger logger, Level level, String format,
                                Object[] params, Throwable t) {
        return level.isGreaterOrEqual(Level.ERROR) ? FilterReply.NEUTRAL : FilterReply.DENY;
      }
    };
    logs.addTurboFilter(errorsOnly);
    try {
      Result result = rehearse(length, Map.of(Setting.SIMULATION_INTERVAL_MS, BUSY_INTERVAL_MS));
      settle();
      return result;
    } finally {
      logs.getTurboFilterList().remove(errorsOnly);
    }
  }

  /**
   * Once the private copy has stopped: its heap collected, and the compiler given time to finish what the rehearsal
   * queued (until it compiles for less than a tenth of the time, at most {@link #SETTLE_MAX_MS}). A first measurement
   * started right after the rehearsal still met both: p99 163 ms in the first 10 s, against 84 ms a minute later.
   */
  private static void settle() throws InterruptedException {
    System.gc();
    CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    if (compiler == null || !compiler.isCompilationTimeMonitoringSupported()) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MAX_MS);
    long compiled = compiler.getTotalCompilationTime();
    while (System.nanoTime() - deadline < 0) {
      Thread.sleep(SETTLE_STEP_MS);
      long now = compiler.getTotalCompilationTime();
      if (now - compiled < SETTLE_STEP_MS / 10) {
        return;
      }
      compiled = now;
    }
  }

  private static Result rehearse(Duration length, Map<Setting, String> settings) throws Exception {
    long started = System.nanoTime();
    Path dataDir = Files.createTempDirectory("code-delivery-warm-up");
    byte[] secret = new byte[18];
    new SecureRandom().nextBytes(secret);
    String password = Base64.getUrlEncoder().encodeToString(secret);
    // The defaults alone, whatever the environment says (external Kafka, TLS, OpenID Connect).
    Map<String, String> env = new HashMap<>();
    env.put(Setting.DATA_DIR.envVar(), dataDir.toString());
    env.put(Setting.ADMIN_PASSWORD.envVar(), password);
    env.put(Setting.LOG_LEVEL.envVar(), "WARN");
    for (Setting port : List.of(Setting.HTTP_PORT, Setting.MANAGEMENT_PORT, Setting.INGEST_PORT, Setting.KAFKA_EMBEDDED_PORT,
        Setting.KAFKA_EMBEDDED_CONTROLLER_PORT, Setting.MONGO_EMBEDDED_PORT)) {
      env.put(port.envVar(), String.valueOf(freePort()));
    }
    settings.forEach((setting, value) -> env.put(setting.envVar(), value));
    AppConfig config = AppConfig.load(env);
    Vertx client = Vertx.vertx();
    try (Application app = Application.start(config)) {
      long startedMs = (System.nanoTime() - started) / 1_000_000;
      List<String> routeIds = app.routes().all().stream().map(route -> route.id()).toList();
      Rehearsal rehearsal = new Rehearsal(client, config, routeIds, System.nanoTime() + length.toNanos());
      return rehearsal.signIn(password)
          .compose(v -> rehearsal.play())
          .map(firstPositionMs -> new Result(startedMs, firstPositionMs, rehearsal.deliveries.get(), rehearsal.positions.get(),
              rehearsal.fixes.get()))
          .await(length.toSeconds() + FIRST_POSITION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } finally {
      client.close().await(10, TimeUnit.SECONDS);
      deleteTree(dataDir);
    }
  }

  /** The browsers and the phone of one rehearsal, until {@code deadlineNanos}. */
  private static final class Rehearsal {
    final AtomicLong deliveries = new AtomicLong();
    final AtomicLong positions = new AtomicLong();
    final AtomicLong fixes = new AtomicLong();
    private final Vertx vertx;
    private final HttpClient http;
    private final WebSocketClient sockets;
    private final int port;
    private final int ingestPort;
    private final List<String> routeIds;
    private final long deadlineNanos;
    private String token;

    Rehearsal(Vertx vertx, AppConfig config, List<String> routeIds, long deadlineNanos) {
      this.vertx = vertx;
      this.http = vertx.createHttpClient();
      this.sockets = vertx.createWebSocketClient();
      this.port = config.httpPort();
      this.ingestPort = config.ingestPort();
      this.routeIds = routeIds;
      this.deadlineNanos = deadlineNanos;
    }

    /** As an operator: signs in, registers the phone, whose fixes the ingest port then accepts, and opens the map. */
    Future<Void> signIn(String password) {
      return call("/api/session", new JsonObject().put("username", "admin").put("password", password))
          .compose(session -> {
            token = session.getString("token");
            return call("/api/devices", new JsonObject().put("uniqueId", PHONE).put("name", "warm-up"));
          })
          .compose(v -> openPage());
    }

    /**
     * A fix, then a delivery followed up to its first position (ms from its start); past the deadline, the phone and
     * the browsers go on until it.
     */
    Future<Long> play() {
      return fix().compose(v -> {
        long start = System.nanoTime();
        return follow(routeIds.get(0), false).map(v2 -> (System.nanoTime() - start) / 1_000_000);
      }).compose(firstPositionMs -> {
        List<Future<Void>> all = new ArrayList<>();
        all.add(phone());
        for (int i = 0; i < BROWSERS; i++) {
          all.add(browser(i));
        }
        return Future.all(all).map(firstPositionMs);
      });
    }

    private boolean over() {
      return System.nanoTime() - deadlineNanos >= 0;
    }

    private Future<Void> phone() {
      if (over()) {
        return Future.succeededFuture();
      }
      Promise<Void> next = Promise.promise();
      vertx.setTimer(PHONE_INTERVAL_MS, id -> fix().recover(e -> Future.succeededFuture()).compose(v -> phone()).onComplete(next));
      return next.future();
    }

    /** Deliveries one after the other, each followed to its end (or the deadline), on the routes in turn. */
    private Future<Void> browser(int number) {
      if (over()) {
        return Future.succeededFuture();
      }
      String routeId = routeIds.get((int) ((number + deliveries.get()) % routeIds.size()));
      return follow(routeId, true).recover(e -> {
        LOG.debug("A warm-up delivery ended early: {}", e.getMessage());
        return Future.succeededFuture();
      }).compose(v -> browser(number));
    }

    /** One fix as the Traccar Client and OsmAnd apps send it. */
    private Future<Void> fix() {
      String uri = "/?id=" + PHONE + "&lat=-23.5505&lon=-46.6333&timestamp=" + System.currentTimeMillis() + "&speed=10&batt=80";
      return http.request(HttpMethod.GET, ingestPort, "localhost", uri)
          .compose(request -> request.send())
          .compose(response -> {
            if (response.statusCode() != 200) {
              return Future.failedFuture("the ingest port answered " + response.statusCode() + " to a fix");
            }
            fixes.incrementAndGet();
            return Future.<Void>succeededFuture();
          });
    }

    /**
     * Starts a delivery and follows it over SockJS: to its finishing position ({@code toTheEnd}) or the deadline,
     * else to its first position.
     */
    private Future<Void> follow(String routeId, boolean toTheEnd) {
      return call("/api/deliveries", new JsonObject().put("routeId", routeId)).compose(delivery -> {
        String address = Addresses.delivery(delivery.getString("deliveryId"));
        Promise<Void> done = Promise.promise();
        return sockets.connect(port, "localhost", "/eventbus/0/" + UUID.randomUUID() + "/websocket").compose(socket -> {
          socket.textMessageHandler(frame -> {
            // a["<bridge message>", …]: the bridge's messages to this session, each a position of the delivery.
            if (!frame.startsWith("a[")) {
              return;
            }
            for (Object message : new JsonArray(frame.substring(1))) {
              JsonObject received = new JsonObject((String) message);
              if ("rec".equals(received.getString("type"))) {
                positions.incrementAndGet();
                if (!toTheEnd || received.getJsonObject("body").getBoolean("finished", false)) {
                  deliveries.incrementAndGet();
                  done.tryComplete();
                }
              }
            }
          });
          socket.closeHandler(v -> done.tryFail("the SockJS session closed before the delivery's " + (toTheEnd ? "end" : "first position")));
          long untilDeadline = toTheEnd ? vertx.setTimer(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000),
              id -> done.tryComplete()) : -1;
          JsonObject register = new JsonObject().put("type", "register").put("address", address)
              .put("headers", new JsonObject().put("authorization", "Bearer " + token));
          return socket.writeTextMessage(new JsonArray().add(register.encode()).encode())
              .compose(v -> done.future())
              .eventually(() -> {
                vertx.cancelTimer(untilDeadline);
                return socket.close();
              });
        });
      });
    }

    /**
     * As a browser opens the map page: the page, then every script and style sheet it names, each of which must be
     * served (a jar that cannot serve its page fails its class-data archive's training, and so the build).
     */
    private Future<Void> openPage() {
      return send(HttpMethod.GET, "/", null).compose(page -> {
        List<Future<Buffer>> files = new ArrayList<>();
        for (Matcher named = PAGE_FILES.matcher(page.toString()); named.find();) {
          files.add(send(HttpMethod.GET, named.group(1).startsWith("/") ? named.group(1) : "/" + named.group(1), null));
        }
        return Future.all(files).mapEmpty();
      });
    }

    private Future<JsonObject> call(String uri, JsonObject body) {
      return send(HttpMethod.POST, uri, body.toBuffer()).map(Buffer::toJsonObject);
    }

    private Future<Buffer> send(HttpMethod method, String uri, Buffer body) {
      RequestOptions request = new RequestOptions().setMethod(method).setHost("localhost").setPort(port).setURI(uri);
      if (body != null) {
        request.putHeader("content-type", "application/json");
      }
      if (token != null) {
        request.putHeader("authorization", "Bearer " + token);
      }
      return http.request(request)
          .compose(r -> body == null ? r.send() : r.send(body))
          .compose(response -> response.body().compose(answer -> response.statusCode() / 100 == 2
              ? Future.succeededFuture(answer)
              : Future.failedFuture(method + " " + uri + " answered " + response.statusCode() + ": " + answer)));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      LOG.warn("Could not delete {}: {}", root, e.toString());
    }
  }
}
