package io.codedelivery.web;

import static io.codedelivery.web.QueryParameters.deliveryId;
import static io.codedelivery.web.QueryParameters.onlyKnown;

import io.codedelivery.export.DeliveryOutcome;
import io.codedelivery.export.TrackFormat;
import io.codedelivery.export.TrackSummary;
import io.codedelivery.export.TrackWriter;
import io.codedelivery.ops.ApiError;
import io.codedelivery.ops.JsonResponse;
import io.codedelivery.persistence.DeliveryQueries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/deliveries/{id}/track.gpx|.kml|.csv|.geojson}: a delivery's stored track as a file to download, every
 * stored point, streamed page by page as it is read; and {@code /api/deliveries/{id}/summary}: its distance,
 * duration, speeds, stops and whether it kept its promised time ({@link TrackSummary}, {@link DeliveryOutcome}).
 */
final class TrackExportApi {
  private static final Logger LOG = LoggerFactory.getLogger(TrackExportApi.class);
  final DeliveryQueries queries;
  final TrackPages pages;
  private final InFlightLimit trackReads;

  /** @param maxReadsAtOnce whole-track reads (exports, summaries, reports) the process runs at once; more are busy */
  TrackExportApi(Vertx vertx, DeliveryQueries queries, int maxReadsAtOnce) {
    this.queries = queries;
    this.pages = new TrackPages(queries);
    this.trackReads = InFlightLimit.shared(vertx, "whole-track-reads", maxReadsAtOnce);
  }

  void mount(Router router) {
    for (TrackFormat format : TrackFormat.values()) {
      router.get("/api/deliveries/:id/track." + format.extension()).handler(ctx -> export(ctx, format));
    }
    router.get("/api/deliveries/:id/summary").handler(this::summary);
  }

  private void export(RoutingContext ctx, TrackFormat format) {
    withDelivery(ctx, delivery -> {
      String id = delivery.getString("deliveryId");
      HttpServerResponse response = ctx.response().putHeader("content-type", format.contentType())
          .putHeader("content-disposition", "attachment; filename=\"delivery-" + id + "." + format.extension() + "\"");
      if (ctx.request().method() == HttpMethod.HEAD) {
        response.end();
        return;
      }
      whileCounted(ctx, () -> {
        response.setChunked(true);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        TrackWriter writer = format.writer(written, id, DeliveryOutcome.nameOf(delivery));
        writer.begin();
        return pass(writer, 0, id, TrackPages.ALL, written, response).compose(done -> {
          writer.end();
          writer.flush();
          return response.end(Buffer.buffer(written.toByteArray()));
        });
      });
    });
  }

  /**
   * One pass of the writer over the track, then the next. The first reads everything stored; the later ones stop at
   * the first one's last seq, so every pass sees the same points even while the track grows.
   */
  private Future<Void> pass(TrackWriter writer, int number, String id, long upTo, ByteArrayOutputStream written,
                            HttpServerResponse response) {
    if (number == writer.passes()) {
      return Future.succeededFuture();
    }
    writer.beginPass(number);
    Future<Long> read = upTo == TrackPages.NONE ? Future.succeededFuture(TrackPages.NONE) : pages.read(id, upTo, points -> {
      points.forEach(writer::point);
      return send(writer, written, response);
    });
    return read.compose(last -> {
      writer.endPass();
      return pass(writer, number + 1, id, last, written, response);
    });
  }

  /** What the writer holds so far, as one chunk; the future completes once it is written out (the stream's pace). */
  private static Future<Void> send(TrackWriter writer, ByteArrayOutputStream written, HttpServerResponse response) {
    writer.flush();
    if (written.size() == 0) {
      return Future.succeededFuture();
    }
    Buffer chunk = Buffer.buffer(written.toByteArray());
    written.reset();
    return response.write(chunk);
  }

  private void summary(RoutingContext ctx) {
    withDelivery(ctx, delivery -> whileCounted(ctx, () -> {
      TrackSummary summary = new TrackSummary();
      return pages.read(delivery.getString("deliveryId"), TrackPages.ALL, points -> {
        points.forEach(summary::add);
        return Future.succeededFuture();
      }).compose(last -> {
        JsonObject json = new JsonObject().put("deliveryId", delivery.getString("deliveryId"))
            .mergeIn(summary.figures().toJson());
        return JsonResponse.send(ctx, 200, DeliveryOutcome.of(delivery, Instant.now()).putInto(json));
      });
    }));
  }

  /** The delivery of the path as the API shows it; 400 for an id that is not one, 404 for one not stored. */
  private void withDelivery(RoutingContext ctx, Consumer<JsonObject> then) {
    onlyKnown(ctx.queryParams(), Set.of());
    String id = deliveryId(ctx.pathParam("id"), "delivery id");
    StoreAnswer.send(ctx, queries.delivery(id), "delivery", (Optional<JsonObject> found) -> {
      if (found.isPresent()) {
        then.accept(found.get());
      } else {
        ApiError.send(ctx, 404, "no delivery " + id);
      }
    });
  }

  /**
   * Runs a whole-track read if the process has room for one (else 503 busy), and answers its failure: 503 before
   * anything was sent, a reset connection after (a file cut short must not look complete).
   */
  void whileCounted(RoutingContext ctx, Supplier<Future<Void>> read) {
    if (!trackReads.tryAcquire()) {
      ctx.response().putHeader("retry-after", "1");
      ApiError.send(ctx, 503, "busy", "too many tracks are being read at once; try again in a moment");
      return;
    }
    Future<Void> done;
    try {
      done = read.get();
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    done.onComplete(finished -> trackReads.release()).onFailure(e -> {
      LOG.warn("Reading the track for {} failed: {}", AccessGuard.loggablePath(ctx.request()), e.getMessage());
      ApiError.send(ctx, 503, "the delivery store is not reachable; try again shortly");
    });
  }
}
