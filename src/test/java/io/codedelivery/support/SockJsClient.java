package io.codedelivery.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real SockJS client, over WebSocket or over xhr-streaming (what a browser falls back to when a proxy blocks
 * WebSocket), speaking the event-bus bridge protocol as the browser's {@code vertx-eventbus.js} does: SockJS
 * frames ({@code o}, {@code h}, {@code a[…]}, {@code c[…]}) carrying bridge messages ({@code register},
 * {@code send}, {@code publish}, {@code rec}, {@code err}).
 */
public final class SockJsClient implements AutoCloseable {
  /** Sends one SockJS frame from the client, in order after the ones before it. */
  private Function<String, Future<Void>> sender;
  private Runnable closer;
  /** Every bridge message received, in order. */
  public final List<JsonObject> received = new CopyOnWriteArrayList<>();
  private volatile boolean closedByServer;
  /** The server's close frame {@code [code, reason]}, once it came. */
  private volatile JsonArray closeFrame;
  /** {@code /eventbus/<server>/<session>} of this connection. */
  private String sessionPath;
  /** The bearer token sent with each frame; null for none. */
  private volatile String token;

  /** The bridge closes connections that send no ping for 10 s; vertx-eventbus.js pings every 5 s, and so does this. */
  private static final long PING_INTERVAL_MS = 5_000;
  private Vertx vertx;
  private long pingTimer = -1;

  private SockJsClient() {
  }

  private SockJsClient pinging(Vertx vertx) {
    this.vertx = vertx;
    pingTimer = vertx.setPeriodic(PING_INTERVAL_MS, id -> write(new JsonObject().put("type", "ping")));
    return this;
  }

  public static SockJsClient connect(Vertx vertx, int port) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    String session = newSessionPath();
    WebSocket socket = client.connect(port, "localhost", session + "/websocket").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    SockJsClient sockJs = new SockJsClient();
    sockJs.sessionPath = session;
    socket.textMessageHandler(sockJs::onFrame);
    socket.closeHandler(v -> sockJs.closedByServer = true);
    sockJs.sender = socket::writeTextMessage;
    sockJs.closer = () -> {
      socket.close();
      client.close();
    };
    return sockJs.pinging(vertx);
  }

  /**
   * A SockJS session over xhr-streaming: one long POST whose response streams the server's frames, one line
   * each, and a POST to {@code xhr_send} for each frame from the client, as sockjs-client does without WebSocket.
   */
  public static SockJsClient connectXhrStreaming(Vertx vertx, int port) throws Exception {
    HttpClient http = vertx.createHttpClient();
    String session = newSessionPath();
    SockJsClient sockJs = new SockJsClient();
    sockJs.sessionPath = session;
    HttpClientResponse stream = http.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(port).setHost("localhost")
            .setURI(session + "/xhr_streaming"))
        .compose(request -> request.send())
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    if (stream.statusCode() != 200) {
      http.close();
      throw new IllegalStateException("xhr_streaming answered " + stream.statusCode());
    }
    stream.handler(RecordParser.newDelimited("\n", line -> sockJs.onFrame(line.toString())));
    stream.endHandler(v -> sockJs.closedByServer = true);
    // xhr_send POSTs one after the other, so the server reads the frames in the order they were sent.
    Future<?>[] lastSend = {Future.succeededFuture()};
    sockJs.sender = frame -> {
      Future<Void> sent = lastSend[0].transform(previous -> http.request(new RequestOptions().setMethod(HttpMethod.POST)
              .setPort(port).setHost("localhost").setURI(session + "/xhr_send").putHeader("content-type", "text/plain;charset=UTF-8"))
          .compose(request -> request.send(frame))
          .compose(response -> response.statusCode() == 204 ? Future.<Void>succeededFuture()
              : Future.failedFuture("xhr_send answered " + response.statusCode())));
      lastSend[0] = sent;
      return sent;
    };
    sockJs.closer = http::close;
    return sockJs.pinging(vertx);
  }

  /** A SockJS session over WebSocket on the event-bus bridge, on a fresh session path as the browser's client opens it. */
  public static Future<WebSocket> open(WebSocketClient client, int port) {
    return client.connect(port, "localhost", newSessionPath() + "/websocket");
  }

  /** {@code /eventbus/<server>/<session>} of this connection, for requests of its own to the same session. */
  public String sessionPath() {
    return sessionPath;
  }

  /** {@code /eventbus/<server>/<session>}, fresh, as the browser's client makes it. */
  private static String newSessionPath() {
    return "/eventbus/" + ThreadLocalRandom.current().nextInt(1000) + "/" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** One bridge message as a SockJS frame from the client. */
  public static String frame(JsonObject message) {
    return new JsonArray().add(message.encode()).encode();
  }

  /** The bridge messages of a SockJS frame from the server: those of an {@code a[…]} frame, none of the others. */
  public static List<JsonObject> messages(String frame) {
    if (!frame.startsWith("a")) {
      return List.of();
    }
    JsonArray array = new JsonArray(frame.substring(1));
    List<JsonObject> messages = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      messages.add(new JsonObject(array.getString(i)));
    }
    return messages;
  }

  private void onFrame(String frame) {
    if (frame.startsWith("c[") && closeFrame == null) {
      closeFrame = new JsonArray(frame.substring(1));
      closedByServer = true;
    }
    received.addAll(messages(frame));
  }

  private Future<Void> write(JsonObject message) {
    return sender.apply(frame(message));
  }

  /** Sends a raw bridge message as the client wrote it, e.g. a malformed one. */
  public Future<Void> sendRaw(JsonObject message) {
    return write(message);
  }

  /**
   * Sends {@code authorization: Bearer <token>} with every register, send and publish from now on, as the
   * official event-bus client sends headers: an operator's session token or a delivery's tracking-link token.
   */
  public SockJsClient authorizedAs(String token) {
    this.token = token;
    return this;
  }

  public void register(String address) {
    write(authorized(new JsonObject().put("type", "register").put("address", address)));
  }

  /** Sends with a reply address; the reply (or failure) arrives in {@link #received} with that address. */
  public String send(String address, Object body) {
    String replyAddress = UUID.randomUUID().toString();
    write(authorized(new JsonObject().put("type", "send").put("address", address).put("body", body).put("replyAddress", replyAddress)));
    return replyAddress;
  }

  public void publish(String address, Object body) {
    write(authorized(new JsonObject().put("type", "publish").put("address", address).put("body", body)));
  }

  private JsonObject authorized(JsonObject message) {
    return token == null ? message : message.put("headers", new JsonObject().put("authorization", "Bearer " + token));
  }

  public List<JsonObject> messagesTo(String address) {
    return received.stream().filter(m -> address.equals(m.getString("address"))).toList();
  }

  public List<JsonObject> errors() {
    return received.stream().filter(m -> "err".equals(m.getString("type"))).toList();
  }

  public boolean isClosedByServer() {
    return closedByServer;
  }

  /** The code and reason of the server's SockJS close frame, which a browser's client reports in its close event; null before it. */
  public JsonArray closeFrame() {
    return closeFrame;
  }

  @Override
  public void close() {
    vertx.cancelTimer(pingTimer);
    closer.run();
  }
}
