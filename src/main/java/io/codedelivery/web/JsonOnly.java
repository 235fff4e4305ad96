package io.codedelivery.web;

import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.Fields;
import io.codedelivery.ops.ApiError;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a body through only as {@code application/json} (parameters such as {@code charset} allowed), before it
 * is read. An HTML form or a "simple" cross-site request can send text/plain, urlencoded or multipart bodies
 * without asking the server first; JSON needs a CORS preflight, which only the configured origins pass. A
 * security policy to Vert.x, so it runs before the body handler and an unwanted body is never read.
 */
final class JsonOnly implements SecurityPolicyHandler {
  private static final Logger LOG = LoggerFactory.getLogger(JsonOnly.class);

  private final PipelineMetrics metrics;

  JsonOnly(PipelineMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String contentType = ctx.request().getHeader("content-type");
    String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (mediaType.equals("application/json")) {
      ctx.next();
      return;
    }
    metrics.clientFault("unsupported_media_type");
    LOG.debug("Refused {} {} with content type {}", ctx.request().method(), ctx.request().path(), contentType);
    ApiError.send(ctx, 415, "the body must be sent with Content-Type: application/json; this request's is "
        + (contentType == null ? "missing" : Fields.abbreviate(contentType)));
  }
}
