package io.codedelivery;

import ch.qos.logback.classic.Level;
import io.codedelivery.config.AppConfig;
import io.codedelivery.config.Setting;
import io.codedelivery.model.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training run of the class-data archive that {@code mvn package} writes beside the jar
 * ({@code target/code-delivery.jsa}, and the image's own in {@code compose/Dockerfile}). Run as
 * {@code java -XX:ArchiveClassesAtExit=code-delivery.jsa -cp code-delivery.jar io.codedelivery.ClassArchiveTraining},
 * it starts the application on its embedded defaults (a temporary data directory, free ports), plays one browser's
 * delivery through it — sign-in, a start over REST, a SockJS session registered to the delivery, its first position —
 * then stops it and exits, and the JVM archives every class it loaded. A process started with
 * {@code -XX:SharedArchiveFile=code-delivery.jsa} maps those classes instead of reading, verifying and linking them
 * again: on two cores it was ready in 5.1–5.9 s instead of 8.7–10.7 s (README Performance). With an archive from
 * another build or JDK the JVM says so in one line and starts as it always did; with none, it starts as always.
 */
public final class ClassArchiveTraining {
  private static final Logger LOG = LoggerFactory.getLogger(ClassArchiveTraining.class);
  private static final long FIRST_POSITION_TIMEOUT_SECONDS = 60;
  private static final String TRAINING_DEVICE = "class-archive-training";

  private ClassArchiveTraining() {
  }

  public static void main(String[] args) throws Exception {
    // The build's output stays readable: the application's own start-up lines are for operators, not for Maven.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
    long started = System.nanoTime();
    Path dataDir = Files.createTempDirectory("code-delivery-class-archive");
    byte[] secret = new byte[18];
    new SecureRandom().nextBytes(secret);
    String password = Base64.getUrlEncoder().encodeToString(secret);
    // The defaults alone, whatever the build's environment says (external Kafka, TLS, OpenID Connect): the training
    // touches nothing outside its temporary directory and ports.
    Map<String, String> env = new HashMap<>();
    env.put(Setting.DATA_DIR.envVar(), dataDir.toString());
    env.put(Setting.ADMIN_PASSWORD.envVar(), password);
    env.put(Setting.LOG_LEVEL.envVar(), "WARN");
    for (Setting port : List.of(Setting.HTTP_PORT, Setting.MANAGEMENT_PORT, Setting.INGEST_PORT, Setting.KAFKA_EMBEDDED_PORT,
        Setting.KAFKA_EMBEDDED_CONTROLLER_PORT, Setting.MONGO_EMBEDDED_PORT)) {
      env.put(port.envVar(), String.valueOf(freePort()));
    }
    AppConfig config = AppConfig.load(env);
    Vertx client = Vertx.vertx();
    int exitCode = 1;
    try (Application app = Application.start(config)) {
      long ready = System.nanoTime();
      String routeId = app.routes().all().iterator().next().id();
      long firstPositionMs = oneDelivery(client, config, password, routeId)
          .await(FIRST_POSITION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      System.out.printf("Class-data archive training: started in %d ms; a phone's fix accepted, and a delivery's first "
          + "position at its SockJS session %d ms after its start%n", (ready - started) / 1_000_000, firstPositionMs);
      exitCode = 0;
    } catch (Exception e) {
      LOG.error("Class-data archive training failed: {}", e.toString(), e);
    } finally {
      client.close().await(10, TimeUnit.SECONDS);
      deleteTree(dataDir);
    }
    // Kafka's and Netty's remaining threads would keep the JVM up; the archive is written as it exits.
    System.exit(exitCode);
  }

  /**
   * What an operator and a phone do: sign in, register a device whose fix the ingest port accepts, start a delivery
   * and follow it over SockJS; the milliseconds from the start to its first position.
   */
  private static Future<Long> oneDelivery(Vertx vertx, AppConfig config, String password, String routeId) {
    HttpClient http = vertx.createHttpClient();
    int port = config.httpPort();
    return call(http, port, "/api/session", null, new JsonObject().put("username", "admin").put("password", password))
        .compose(session -> {
          String token = session.getString("token");
          return call(http, port, "/api/devices", token, new JsonObject().put("uniqueId", TRAINING_DEVICE).put("name", "training"))
              .compose(device -> osmAndFix(http, config.ingestPort()))
              .compose(fix -> {
                long start = System.nanoTime();
                return call(http, port, "/api/deliveries", token, new JsonObject().put("routeId", routeId))
                    .compose(delivery -> firstPosition(vertx, port, token, delivery.getString("deliveryId")))
                    .map(v -> (System.nanoTime() - start) / 1_000_000);
              });
        })
        .eventually(http::close);
  }

  /** One fix as the Traccar Client and OsmAnd apps send it. */
  private static Future<Void> osmAndFix(HttpClient http, int ingestPort) {
    String uri = "/?id=" + TRAINING_DEVICE + "&lat=-23.5505&lon=-46.6333&timestamp=" + System.currentTimeMillis() / 1_000
        + "&speed=10&batt=80";
    return http.request(HttpMethod.GET, ingestPort, "localhost", uri)
        .compose(request -> request.send())
        .compose(response -> response.statusCode() == 200 ? Future.<Void>succeededFuture()
            : Future.failedFuture("the ingest port answered " + response.statusCode() + " to a fix"));
  }

  private static Future<JsonObject> call(HttpClient http, int port, String uri, String token, JsonObject body) {
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(port).setURI(uri)
        .putHeader("content-type", "application/json");
    if (token != null) {
      request.putHeader("authorization", "Bearer " + token);
    }
    return http.request(request)
        .compose(r -> r.send(body.toBuffer()))
        .compose(response -> response.body().compose(answer -> response.statusCode() / 100 == 2
            ? Future.succeededFuture(answer.toJsonObject())
            : Future.failedFuture(uri + " answered " + response.statusCode() + ": " + answer)));
  }

  private static Future<Void> firstPosition(Vertx vertx, int port, String token, String deliveryId) {
    WebSocketClient sockets = vertx.createWebSocketClient();
    String address = Addresses.delivery(deliveryId);
    Promise<Void> arrived = Promise.promise();
    return sockets.connect(port, "localhost", "/eventbus/0/training/websocket").compose(socket -> {
      socket.textMessageHandler(frame -> {
        // a["<bridge message>", …]: the bridge's messages to this session; the first rec is the delivery's position.
        if (frame.startsWith("a[") && new JsonArray(frame.substring(1)).stream()
            .anyMatch(message -> "rec".equals(new JsonObject((String) message).getString("type")))) {
          arrived.tryComplete();
        }
      });
      socket.closeHandler(v -> arrived.tryFail("the SockJS session closed before a position came"));
      JsonObject register = new JsonObject().put("type", "register").put("address", address)
          .put("headers", new JsonObject().put("authorization", "Bearer " + token));
      return socket.writeTextMessage(new JsonArray().add(register.encode()).encode())
          .compose(v -> arrived.future())
          .eventually(socket::close);
    }).eventually(sockets::close);
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
