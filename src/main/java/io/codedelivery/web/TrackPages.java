package io.codedelivery.web;

import io.codedelivery.export.TrackPoint;
import io.codedelivery.persistence.DeliveryQueries;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A stored track read a page at a time ({@link DeliveryQueries#track}), each page handed on and done with before the
 * next is read: an export or a summary holds one page, never the whole track.
 */
final class TrackPages {
  static final int PAGE = 2_000;
  /** For {@link #read}: no upper bound. */
  static final long ALL = Long.MAX_VALUE;
  /** What {@link #read} completes with when the track has no point. */
  static final long NONE = -1;

  private final DeliveryQueries queries;

  TrackPages(DeliveryQueries queries) {
    this.queries = queries;
  }

  /**
   * Every stored point of the delivery up to seq {@code upTo} (inclusive), in seq order; the next page is read once
   * the future {@code onPage} returned for this one completes.
   *
   * @return the last seq handed on, or {@link #NONE}
   */
  Future<Long> read(String deliveryId, long upTo, Function<List<TrackPoint>, Future<?>> onPage) {
    return readFrom(deliveryId, 0, upTo, NONE, onPage);
  }

  private Future<Long> readFrom(String deliveryId, long fromSeq, long upTo, long lastGiven, Function<List<TrackPoint>, Future<?>> onPage) {
    return queries.track(deliveryId, fromSeq, PAGE).compose(found -> {
      JsonArray page = found.orElseGet(JsonArray::new);
      List<TrackPoint> points = new ArrayList<>(page.size());
      for (Object stored : page) {
        TrackPoint point = TrackPoint.fromStored((JsonObject) stored);
        if (point.seq() <= upTo) {
          points.add(point);
        }
      }
      if (points.isEmpty()) {
        return Future.succeededFuture(lastGiven);
      }
      long last = points.get(points.size() - 1).seq();
      // A short page is the end of what is stored (a device's track is read whole by the store, so asking again costs).
      boolean more = page.size() == PAGE && last < upTo;
      return onPage.apply(points).compose(done -> more ? readFrom(deliveryId, last + 1, upTo, last, onPage) : Future.succeededFuture(last));
    });
  }
}
