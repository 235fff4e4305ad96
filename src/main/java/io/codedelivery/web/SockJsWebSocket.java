package io.codedelivery.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.ProtocolUpgradeHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.impl.SockJSSocketBase;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A SockJS session over WebSocket, the transport every browser with WebSocket takes: the SockJS protocol's frames
 * ({@code o} on opening, {@code h} heartbeats when it is otherwise quiet, {@code a[…]} messages,
 * {@code c[code,"reason"]} on closing) written straight to the WebSocket. Vert.x's own session serves every transport alike: each message it sends takes a
 * synchronized queue, a write promise, a task on the event loop and a character-by-character encoding, which was a
 * fifth of the bridge's event-loop time delivering positions. The other transports (xhr-streaming, xhr-polling,
 * eventsource, raw WebSocket) stay Vert.x's; all of them feed the same bridge.
 *
 * <p>It extends Vert.x's socket base (an implementation class) because the bridge closes idle sockets through it.
 */
final class SockJsWebSocket extends SockJSSocketBase {
  /** The path of SockJS's WebSocket transport below the bridge's: {@code /<server>/<session>/websocket}. */
  static final String PATH_REGEX = "/[^/.]+/[^/.]+/websocket";
  private static final JsonFactory JSON = new JsonFactory();
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final String GO_AWAY = "c[3000,\"Go away!\"]";

  private final ServerWebSocket ws;
  private final Context context;
  private final long heartbeatTimer;
  private Handler<Buffer> handler;
  private Handler<Throwable> exceptionHandler;
  private Handler<Void> endHandler;
  private Handler<Void> closeHandler;
  private MultiMap headers;
  private boolean closed;
  /** Whether a message went out since the last heartbeat was due. */
  private boolean wroteSince;

  private SockJsWebSocket(Vertx vertx, RoutingContext rc, SockJSHandlerOptions options, ServerWebSocket ws) {
    super(vertx, rc, options);
    this.ws = ws;
    this.context = vertx.getOrCreateContext();
    ws.textMessageHandler(this::onFrame);
    ws.closeHandler(v -> ended());
    ws.exceptionHandler(e -> {
      if (exceptionHandler != null) {
        exceptionHandler.handle(e);
      }
      ended();
    });
    long heartbeatMs = options.getHeartbeatInterval();
    heartbeatTimer = vertx.setPeriodic(heartbeatMs, id -> {
      // A heartbeat keeps a quiet connection open through proxies and idle timeouts; one that had a message within
      // the interval needs none (a watched delivery's connection gets two a second, and each frame is a system call).
      if (!closed && !wroteSince) {
        ws.writeTextMessage("h");
      }
      wroteSince = false;
    });
  }

  /**
   * The handler of the WebSocket transport's path: upgrades the request, says {@code o} and hands the session to
   * {@code sessions} (the bridge). A request that is no WebSocket upgrade goes on to Vert.x's SockJS routes, which
   * answer it as they always did.
   */
  static ProtocolUpgradeHandler transport(Vertx vertx, SockJSHandlerOptions options, Handler<SockJSSocket> sessions) {
    return ctx -> {
      HttpServerRequest request = ctx.request();
      if (!request.canUpgradeToWebSocket()) {
        ctx.next();
        return;
      }
      request.toWebSocket().onFailure(failure -> {
        // Vert.x answers a handshake it refuses itself (and a client may go away mid-handshake): only a request not
        // yet answered is failed here, or the error handler would log "Response head already sent".
        if (!ctx.response().headWritten()) {
          ctx.fail(failure);
        }
      }).onSuccess(ws -> {
        SockJsWebSocket socket = new SockJsWebSocket(vertx, ctx, options, ws);
        ws.writeTextMessage("o");
        sessions.handle(socket);
      });
    };
  }

  /** A frame from the client: a JSON array of messages (or one message as a JSON string); empty ones are ignored. */
  private void onFrame(String frame) {
    if (closed || frame.isEmpty() || frame.equals("[]")) {
      return;
    }
    List<String> messages = decode(frame);
    if (messages == null) {
      close(); // not SockJS: Vert.x's session drops such a client too
      return;
    }
    Handler<Buffer> h = handler;
    if (h != null) {
      for (String message : messages) {
        h.handle(Buffer.buffer(message));
      }
    }
  }

  private static List<String> decode(String frame) {
    boolean array = frame.startsWith("[\"") && frame.endsWith("\"]");
    if (!array && !(frame.length() > 1 && frame.startsWith("\"") && frame.endsWith("\""))) {
      return null;
    }
    try (JsonParser parser = JSON.createParser(frame)) {
      List<String> messages = new ArrayList<>(1);
      if (!array) {
        parser.nextToken();
        messages.add(parser.getText());
        return parser.nextToken() == null ? messages : null;
      }
      parser.nextToken();
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.VALUE_STRING) {
        messages.add(parser.getText());
      }
      return token == JsonToken.END_ARRAY && parser.nextToken() == null ? messages : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The message as SockJS frames it: {@code a["…"]}, every character outside printable ASCII escaped. */
  static String frame(String message) {
    StringBuilder out = new StringBuilder(message.length() + message.length() / 4 + 8).append("a[\"");
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
      }
    }
    return out.append("\"]").toString();
  }

  @Override
  public Future<Void> write(String message) {
    if (closed) {
      return Future.failedFuture(NetSocketInternal.CLOSED_EXCEPTION);
    }
    wroteSince = true;
    return ws.writeTextMessage(frame(message));
  }

  @Override
  public Future<Void> write(Buffer data) {
    return write(data.toString());
  }

  /** Closes with SockJS's own frame for the code and reason (a SockJS client reports the first it gets). */
  @Override
  public void close(int statusCode, String reason) {
    if (closed) {
      return;
    }
    ws.writeTextMessage("c[" + statusCode + "," + frame(reason).substring(2));
    closeNow();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    ws.writeTextMessage(GO_AWAY);
    closeNow();
  }

  private void closeNow() {
    ended();
    ws.close();
  }

  /**
   * Closed by either side: no more heartbeats, and the bridge hears of it once, in a task of its own as from
   * Vert.x's sessions (a close asked for while the bridge walks its connections must not change them under it).
   */
  private void ended() {
    if (closed) {
      return;
    }
    closed = true;
    vertx.cancelTimer(heartbeatTimer);
    super.close();
    context.runOnContext(v -> {
      if (endHandler != null) {
        endHandler.handle(null);
      }
      if (closeHandler != null) {
        closeHandler.handle(null);
      }
    });
  }

  @Override
  public SockJSSocket handler(Handler<Buffer> handler) {
    this.handler = handler;
    return this;
  }

  @Override
  public SockJSSocket pause() {
    ws.pause();
    return this;
  }

  @Override
  public SockJSSocket resume() {
    ws.resume();
    return this;
  }

  @Override
  public SockJSSocket fetch(long amount) {
    ws.fetch(amount);
    return this;
  }

  @Override
  public SockJSSocket exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public SockJSSocket endHandler(Handler<Void> handler) {
    this.endHandler = handler;
    return this;
  }

  @Override
  public SockJSSocket closeHandler(Handler<Void> handler) {
    this.closeHandler = handler;
    return this;
  }

  @Override
  public SockJSSocket setWriteQueueMaxSize(int maxSize) {
    ws.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return ws.writeQueueFull();
  }

  @Override
  public SockJSSocket drainHandler(Handler<Void> handler) {
    ws.drainHandler(handler);
    return this;
  }

  @Override
  public SocketAddress remoteAddress() {
    return ws.remoteAddress();
  }

  @Override
  public SocketAddress localAddress() {
    return ws.localAddress();
  }

  /** The handshake's headers without its cookies, as Vert.x's sessions show them. */
  @Override
  public MultiMap headers() {
    if (headers == null) {
      headers = MultiMap.caseInsensitiveMultiMap().addAll(ws.headers()).remove(HttpHeaders.COOKIE);
    }
    return headers;
  }

  @Override
  public String uri() {
    return ws.uri();
  }
}
