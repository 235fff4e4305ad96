package io.codedelivery.web;

import io.codedelivery.metrics.PipelineMetrics;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Lets a body through only as {@code application/json}; see {@link AcceptedMediaTypes} for why before reading it. */
final class JsonOnly extends AcceptedMediaTypes {
  JsonOnly(PipelineMetrics metrics) {
    super(metrics, List.of("application/json"));
  }

  /** The request's body as one JSON object; anything else is a {@link BadParameter} saying what was expected. */
  static JsonObject bodyObject(RoutingContext ctx, String expected) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body != null) {
        return body;
      }
    } catch (DecodeException | ClassCastException e) {
      // Answered below, like an empty body.
    }
    throw new BadParameter(expected);
  }
}
