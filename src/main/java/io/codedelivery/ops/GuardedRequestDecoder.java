package io.codedelivery.ops;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x's HTTP/1 request decoder with two checks it does not offer. Only this decoder sees both the bytes and
 * the requests made of them, so both live here:
 * <ul>
 * <li>A request's line and headers must be complete within the header timeout of their first byte; a client
 * trickling them (slowloris) is disconnected. Between requests and inside bodies the idle timeout rules.</li>
 * <li>A request with both {@code Content-Length} and {@code Transfer-Encoding: chunked} is refused (RFC 9112
 * §6.3): Netty would quietly drop the length and read chunks, while a proxy in front may have used the length,
 * which is how requests are smuggled past it. The decoder then discards everything after it on the connection,
 * so a request hidden behind it is never served.</li>
 * </ul>
 * After a WebSocket upgrade Netty replaces this decoder, so neither check applies to WebSocket frames.
 */
final class GuardedRequestDecoder extends VertxHttpRequestDecoder {
  private final long headerTimeoutNanos;
  private final Runnable onHeaderTimeout;
  /** When the first byte of the request head being read arrived; 0 when no head is being read. */
  private long headStartedNanos;
  private boolean inRequest;
  private Future<?> headerDeadline;

  GuardedRequestDecoder(HttpServerOptions options, long headerTimeoutMs, Runnable onHeaderTimeout) {
    super(options);
    this.headerTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(headerTimeoutMs);
    this.onHeaderTimeout = onHeaderTimeout;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    if (!inRequest && headStartedNanos == 0 && buffer.isReadable()) {
      headStartedNanos = System.nanoTime();
    }
    int before = out.size();
    super.decode(ctx, buffer, out);
    for (int i = before; i < out.size(); i++) {
      Object decoded = out.get(i);
      if (decoded instanceof HttpRequest) {
        inRequest = true;
        headStartedNanos = 0;
        cancelDeadline();
      }
      if (decoded instanceof LastHttpContent) {
        inRequest = false;
      }
    }
    // Armed only for a head that did not arrive whole, so a request in one packet costs no timer.
    if (headStartedNanos != 0 && headerDeadline == null) {
      long remaining = headerTimeoutNanos - (System.nanoTime() - headStartedNanos);
      headerDeadline = ctx.executor().schedule(() -> {
        onHeaderTimeout.run();
        ctx.close();
      }, Math.max(0, remaining), TimeUnit.NANOSECONDS);
    }
  }

  private void cancelDeadline() {
    if (headerDeadline != null) {
      headerDeadline.cancel(false);
      headerDeadline = null;
    }
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    // Thrown while the head is parsed, so Netty marks the request invalid and skips the rest of the connection.
    throw new AmbiguousLengthException();
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    cancelDeadline();
    super.handlerRemoved0(ctx);
  }

  /** The request's cause when it had both {@code Content-Length} and {@code Transfer-Encoding}. */
  static final class AmbiguousLengthException extends IllegalArgumentException {
    AmbiguousLengthException() {
      super("both Content-Length and Transfer-Encoding");
    }
  }
}
