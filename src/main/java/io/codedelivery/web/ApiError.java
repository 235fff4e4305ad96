package io.codedelivery.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Every API error has the same shape, {@code {"error":"…","message":"…"}}, and never a stack trace. */
final class ApiError {
  private ApiError() {
  }

  static void send(RoutingContext ctx, int status, String error, String message) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", error).put("message", message).encode());
  }

  /** The error word for an HTTP status, e.g. 404 → {@code not_found}. */
  static String errorFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 429 -> "too_many_requests";
      case 503 -> "unavailable";
      default -> status >= 500 ? "internal_error" : "error";
    };
  }
}
