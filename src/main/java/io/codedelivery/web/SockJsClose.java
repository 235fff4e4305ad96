package io.codedelivery.web;

import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a SockJS connection with a code and reason the browser sees in its close event. Our WebSocket sessions
 * ({@link SockJsWebSocket}) and raw WebSocket connections honour {@link SockJSSocket#close(int, String)}; Vert.x
 * 5.0's SockJS sessions (its other transports) do not override it, whose
 * default drops both and closes with SockJS's fixed {@code c[3000,"Go away!"]} frame. So the close frame with
 * the real code is sent first through the session's transport (its first close frame is the one a SockJS
 * client reports), then the session is closed as usual. Vert.x keeps that transport private: if a later
 * version changes it, the connection is still closed, with 3000, and a warning says so once.
 */
final class SockJsClose {
  private static final Logger LOG = LoggerFactory.getLogger(SockJsClose.class);
  private static final String SESSION_CLASS = "io.vertx.ext.web.handler.sockjs.impl.SockJSSession";
  private static final Field LISTENER;
  private static final Method SEND_FRAME;

  static {
    Field listener = null;
    Method sendFrame = null;
    try {
      Class<?> session = Class.forName(SESSION_CLASS);
      listener = session.getDeclaredField("listener");
      listener.setAccessible(true);
      sendFrame = listener.getType().getMethod("sendFrame", String.class);
      sendFrame.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("SockJS connections will be closed with code 3000 instead of their own: {}", e.toString());
      listener = null;
      sendFrame = null;
    }
    LISTENER = listener;
    SEND_FRAME = sendFrame;
  }

  private SockJsClose() {
  }

  static void close(SockJSSocket socket, int code, String reason) {
    if (LISTENER != null && LISTENER.getDeclaringClass().isInstance(socket)) {
      try {
        Object transport = LISTENER.get(socket);
        if (transport != null) {
          SEND_FRAME.invoke(transport, "c" + new JsonArray().add(code).add(reason).encode());
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.debug("Could not send close code {} before closing a SockJS session", code, e);
      }
      socket.close();
      return;
    }
    // Our WebSocket sessions and raw WebSocket connections honour the code themselves.
    socket.close(code, reason);
  }
}
