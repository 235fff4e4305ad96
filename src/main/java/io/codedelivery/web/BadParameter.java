package io.codedelivery.web;

import io.codedelivery.ops.ApiError;
import io.vertx.ext.web.RoutingContext;

/**
 * A request parameter that cannot be used. An API handler throws it while checking its parameters, before any query,
 * and {@link #answer} (the API's failure handler) turns it into a 400 with this message.
 */
final class BadParameter extends RuntimeException {
  BadParameter(String message) {
    super(message, null, false, false);
  }

  /** Answers a {@link BadParameter} with 400; any other failure is not ours to answer. */
  static void answer(RoutingContext ctx) {
    if (ctx.failure() instanceof BadParameter bad) {
      ApiError.send(ctx, 400, bad.getMessage());
    } else {
      ctx.next();
    }
  }
}
