package io.codedelivery.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real SockJS client over WebSocket, speaking the event-bus bridge protocol as the browser's
 * {@code vertx-eventbus.js} does: SockJS frames ({@code o}, {@code h}, {@code a[…]}, {@code c[…]}) carrying
 * bridge messages ({@code register}, {@code send}, {@code publish}, {@code rec}, {@code err}).
 */
public final class SockJsClient implements AutoCloseable {
  private final WebSocketClient client;
  private final WebSocket socket;
  /** Every bridge message received, in order. */
  public final List<JsonObject> received = new CopyOnWriteArrayList<>();
  private volatile boolean closedByServer;

  private SockJsClient(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(this::onFrame);
    socket.closeHandler(v -> closedByServer = true);
  }

  public static SockJsClient connect(Vertx vertx, int port) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket socket = open(client, port).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new SockJsClient(client, socket);
  }

  /** A SockJS session over WebSocket on the event-bus bridge, on a fresh session path as the browser's client opens it. */
  public static Future<WebSocket> open(WebSocketClient client, int port) {
    String path = "/eventbus/" + ThreadLocalRandom.current().nextInt(1000) + "/" + UUID.randomUUID().toString().substring(0, 8) + "/websocket";
    return client.connect(port, "localhost", path);
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
    received.addAll(messages(frame));
  }

  private Future<Void> write(JsonObject message) {
    return socket.writeTextMessage(frame(message));
  }

  public void register(String address) {
    write(new JsonObject().put("type", "register").put("address", address));
  }

  /** Sends with a reply address; the reply (or failure) arrives in {@link #received} with that address. */
  public String send(String address, Object body) {
    String replyAddress = UUID.randomUUID().toString();
    write(new JsonObject().put("type", "send").put("address", address).put("body", body).put("replyAddress", replyAddress));
    return replyAddress;
  }

  public void publish(String address, Object body) {
    write(new JsonObject().put("type", "publish").put("address", address).put("body", body));
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

  @Override
  public void close() {
    socket.close();
    client.close();
  }
}
