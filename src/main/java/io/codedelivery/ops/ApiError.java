package io.codedelivery.ops;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Every API error has the same shape, {@code {"error":"…","message":"…"}}, and never a stack trace. */
public final class ApiError {
  private ApiError() {
  }

  /** An error whose word is the status's own ({@link #errorFor}), e.g. 404 {@code not_found}. */
  public static void send(RoutingContext ctx, int status, String message) {
    send(ctx, status, errorFor(status), message);
  }

  /** An error whose word says more than its status does, e.g. 503 {@code busy} rather than {@code unavailable}. */
  public static void send(RoutingContext ctx, int status, String error, String message) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    JsonResponse.send(ctx, status, body(error, message));
  }

  private static JsonObject body(String error, String message) {
    return new JsonObject().put("error", error).put("message", message);
  }

  /**
   * Requests so malformed that they never reach a router (a request line or headers over the size limits,
   * broken HTTP, an ambiguous body length) still get the same JSON error shape instead of an empty body, then
   * the connection closes.
   *
   * @return what was wrong, in one word, for the refusal counter
   */
  public static String answerInvalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414 : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    boolean ambiguousLength = cause instanceof GuardedRequestDecoder.AmbiguousLengthException;
    String message = switch (status) {
      case 414 -> "the request line (path and query) is too long";
      case 431 -> "the request headers are too large";
      default -> ambiguousLength ? "a request may not have both Content-Length and Transfer-Encoding" : "the request is not valid HTTP";
    };
    JsonResponse.send(request.response().putHeader("connection", "close"), status, body(errorFor(status), message))
        .onComplete(done -> request.connection().close());
    return ambiguousLength ? "ambiguous_length" : errorFor(status);
  }

  /** The error word for an HTTP status, e.g. 404 → {@code not_found}. */
  public static String errorFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 409 -> "conflict";
      case 413 -> "payload_too_large";
      case 414 -> "uri_too_long";
      case 415 -> "unsupported_media_type";
      case 431 -> "headers_too_large";
      case 429 -> "too_many_requests";
      case 503 -> "unavailable";
      default -> status >= 500 ? "internal_error" : "error";
    };
  }
}
