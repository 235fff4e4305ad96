package io.codedelivery.tracking;

import io.codedelivery.model.LatLon;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the tracking stage remembers of one device between fixes, and saves (as {@link #toDocument()}) before it
 * commits: the newest fix time it has seen at all (for the device's last fix), and about its active delivery the
 * newest fix time, where and since when the vehicle has stayed near the destination, its recent speeds and the
 * position produced for the newest fix (sent again as it was when that fix comes again). Fix times are epoch ms.
 */
final class DeviceState {
  static final int SPEED_SAMPLES = 5;
  static final long NONE = -1;

  final String deviceId;
  long deviceNewestFixMs = NONE;
  String deliveryId;
  long newestFixMs = NONE;
  long dwellStartMs = NONE;
  double startDistanceMetres = Double.NaN;
  LatLon lastPoint;
  final Deque<Double> recentSpeeds = new ArrayDeque<>();
  JsonObject newestPosition;

  DeviceState(String deviceId) {
    this.deviceId = deviceId;
  }

  /** Forgets everything about a delivery before following another one. */
  void follow(String newDeliveryId) {
    deliveryId = newDeliveryId;
    newestFixMs = NONE;
    dwellStartMs = NONE;
    startDistanceMetres = Double.NaN;
    lastPoint = null;
    recentSpeeds.clear();
    newestPosition = null;
  }

  void addSpeed(double metresPerSecond) {
    if (recentSpeeds.size() == SPEED_SAMPLES) {
      recentSpeeds.removeFirst();
    }
    recentSpeeds.addLast(metresPerSecond);
  }

  /** The mean of the recent speeds, or NaN before any. */
  double averageSpeed() {
    return recentSpeeds.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  JsonObject toDocument() {
    JsonObject document = new JsonObject().put("_id", deviceId).put("deviceNewestFixMs", deviceNewestFixMs);
    if (deliveryId == null) {
      return document;
    }
    document.put("deliveryId", deliveryId).put("newestFixMs", newestFixMs).put("dwellStartMs", dwellStartMs)
        .put("recentSpeeds", new JsonArray(recentSpeeds.stream().map(Object.class::cast).toList()));
    if (!Double.isNaN(startDistanceMetres)) {
      document.put("startDistanceMetres", startDistanceMetres);
    }
    if (lastPoint != null) {
      document.put("lastPoint", lastPoint.toJson());
    }
    if (newestPosition != null) {
      document.put("newestPosition", newestPosition);
    }
    return document;
  }

  static DeviceState fromDocument(JsonObject document) {
    DeviceState state = new DeviceState(document.getString("_id"));
    state.deviceNewestFixMs = document.getLong("deviceNewestFixMs", NONE);
    state.deliveryId = document.getString("deliveryId");
    state.newestFixMs = document.getLong("newestFixMs", NONE);
    state.dwellStartMs = document.getLong("dwellStartMs", NONE);
    state.startDistanceMetres = document.getDouble("startDistanceMetres", Double.NaN);
    JsonObject lastPoint = document.getJsonObject("lastPoint");
    state.lastPoint = lastPoint == null ? null : LatLon.fromJson(lastPoint);
    document.getJsonArray("recentSpeeds", new JsonArray()).forEach(speed -> state.addSpeed(((Number) speed).doubleValue()));
    state.newestPosition = document.getJsonObject("newestPosition");
    return state;
  }
}
