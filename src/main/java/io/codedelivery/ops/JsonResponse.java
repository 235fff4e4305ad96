package io.codedelivery.ops;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The one way the HTTP API answers with JSON, answers and errors ({@link ApiError}) alike: the status,
 * {@code content-type: application/json}, the encoded body.
 */
public final class JsonResponse {
  private JsonResponse() {
  }

  public static Future<Void> send(RoutingContext ctx, int status, JsonObject body) {
    return send(ctx.response(), status, body);
  }

  public static Future<Void> send(RoutingContext ctx, int status, JsonArray body) {
    return end(ctx.response(), status, body.encode());
  }

  /** For a request answered before any router saw it. */
  public static Future<Void> send(HttpServerResponse response, int status, JsonObject body) {
    return end(response, status, body.encode());
  }

  private static Future<Void> end(HttpServerResponse response, int status, String json) {
    return response.setStatusCode(status).putHeader("content-type", "application/json").end(json);
  }
}
