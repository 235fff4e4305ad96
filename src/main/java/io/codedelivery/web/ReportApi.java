package io.codedelivery.web;

import static io.codedelivery.web.QueryParameters.onlyKnown;

import io.codedelivery.export.Csv;
import io.codedelivery.export.DeliveryOutcome;
import io.codedelivery.export.TrackSummary;
import io.codedelivery.persistence.DeliveryQueries;
import io.codedelivery.persistence.Store;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/reports/deliveries.csv?date=YYYY-MM-DD}: one CSV line per delivery started that UTC day, newest first
 * (as the list walks them), with its outcome and the distance of its stored track. Streamed a line at a time; the
 * day's deliveries are read a page at a time from the list's newest-first index, each track in turn.
 */
final class ReportApi {
  static final List<String> HEADER = List.of("deliveryId", "reference", "customer", "device", "route", "status", "startedAt",
      "endedAt", "distanceMetres", "onTime");
  private static final int DELIVERIES_PER_READ = 100;
  private static final LocalDate FIRST_DAY = LocalDate.of(1970, 1, 1);
  private static final LocalDate LAST_DAY = LocalDate.ofInstant(Store.LATEST_START, ZoneOffset.UTC).minusDays(1);

  /** Whose store reads, track pages and limit on whole-track reads the report shares. */
  private final TrackExportApi tracks;

  ReportApi(TrackExportApi tracks) {
    this.tracks = tracks;
  }

  void mount(Router router) {
    router.get("/api/reports/deliveries.csv").handler(this::daily);
  }

  private void daily(RoutingContext ctx) {
    onlyKnown(ctx.queryParams(), Set.of("date"));
    LocalDate day = day(ctx.queryParams().get("date"));
    Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    HttpServerResponse response = ctx.response().putHeader("content-type", "text/csv; charset=utf-8")
        .putHeader("content-disposition", "attachment; filename=\"deliveries-" + day + ".csv\"");
    if (ctx.request().method() == HttpMethod.HEAD) {
      response.end();
      return;
    }
    tracks.whileCounted(ctx, () -> {
      response.setChunked(true);
      return response.write(Csv.line(HEADER)).compose(header -> page(response, null, from, to)).compose(done -> response.end());
    });
  }

  private static LocalDate day(String value) {
    String rule = "'date' must be a UTC day as YYYY-MM-DD, from " + FIRST_DAY + " to " + LAST_DAY;
    if (value == null) {
      throw new BadParameter(rule + "; it is missing");
    }
    try {
      LocalDate day = LocalDate.parse(value);
      if (!day.isBefore(FIRST_DAY) && !day.isAfter(LAST_DAY)) {
        return day;
      }
    } catch (DateTimeParseException ignored) {
      // reported below
    }
    throw new BadParameter(rule);
  }

  /** The day's deliveries from the cursor on, a line each, then the next page until the list has none. */
  private Future<Void> page(HttpServerResponse response, String after, Instant from, Instant to) {
    return tracks.queries.deliveries(new DeliveryQueries.Filter(null, null, DELIVERIES_PER_READ, after, from, to)).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture();
      }
      DeliveryQueries.Page page = found.get();
      Future<Void> lines = Future.succeededFuture();
      for (Object item : page.items()) {
        lines = lines.compose(previous -> line((JsonObject) item)).compose(line -> response.write(Buffer.buffer(line)));
      }
      return lines.compose(written -> page.next() == null ? Future.succeededFuture() : page(response, page.next(), from, to));
    });
  }

  private Future<String> line(JsonObject delivery) {
    TrackSummary summary = new TrackSummary();
    return tracks.pages.read(delivery.getString("deliveryId"), TrackPages.ALL, points -> {
      points.forEach(summary::add);
      return Future.succeededFuture();
    }).map(last -> {
      DeliveryOutcome outcome = DeliveryOutcome.of(delivery, Instant.now());
      JsonObject customer = delivery.getJsonObject("customer");
      String ended = delivery.getString("endedAt") != null ? delivery.getString("endedAt") : delivery.getString("finishedAt");
      return Csv.line(Arrays.asList(delivery.getString("deliveryId"), Csv.text(delivery.getString("reference")),
          Csv.text(customer == null ? null : customer.getString("name")), Csv.text(delivery.getString("deviceId")),
          Csv.text(delivery.getString("routeId")), outcome.status(), delivery.getString("startedAt"), ended,
          Long.toString(Math.round(summary.figures().distanceMetres())),
          outcome.onTime() == null ? null : outcome.onTime().toString()));
    });
  }
}
