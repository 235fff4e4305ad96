package io.codedelivery.web;

import io.codedelivery.ops.ApiError;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers a request from a store query: the API's own answer once it returns, 503 when the store does not answer. */
final class StoreAnswer {
  private static final Logger LOG = LoggerFactory.getLogger(StoreAnswer.class);

  private StoreAnswer() {
  }

  /** @param what the data the store holds, for the 503 message ("delivery", "device") */
  static <T> void send(RoutingContext ctx, Future<T> result, String what, Consumer<T> onSuccess) {
    result.onSuccess(onSuccess::accept).onFailure(e -> {
      LOG.warn("Query for {} failed: {}", AccessGuard.loggablePath(ctx.request()), e.getMessage());
      ApiError.send(ctx, 503, "the " + what + " store is not reachable; try again shortly");
    });
  }
}
