package io.codedelivery.web;

import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.Fields;
import io.codedelivery.ops.ApiError;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a body through only with one of the given media types (parameters such as {@code charset} allowed), before it
 * is read; any other is answered 415. An HTML form or a "simple" cross-site request can send text/plain, urlencoded or
 * multipart bodies without asking the server first; JSON and XML types need a CORS preflight, which only the
 * configured origins pass. A security policy to Vert.x, so it runs before the body handler and an unwanted body is
 * never read.
 */
class AcceptedMediaTypes implements SecurityPolicyHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AcceptedMediaTypes.class);

  private final PipelineMetrics metrics;
  private final List<String> accepted;

  /** @param accepted lower-case media types, none of them a CORS-safelisted one */
  AcceptedMediaTypes(PipelineMetrics metrics, List<String> accepted) {
    this.metrics = metrics;
    this.accepted = List.copyOf(accepted);
  }

  /** The request's media type, lower case and without parameters; empty when it has no Content-Type. */
  static String mediaType(HttpServerRequest request) {
    String contentType = request.getHeader("content-type");
    return contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (accepted.contains(mediaType(ctx.request()))) {
      ctx.next();
      return;
    }
    String contentType = ctx.request().getHeader("content-type");
    metrics.clientFault("unsupported_media_type");
    LOG.debug("Refused {} {} with content type {}", ctx.request().method(), ctx.request().path(), contentType);
    ApiError.send(ctx, 415, "the body must be sent with Content-Type: " + String.join(" or ", accepted) + "; this request's is "
        + (contentType == null ? "missing" : Fields.abbreviate(contentType)));
  }
}
