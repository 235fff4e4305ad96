package io.codedelivery.tracking;

import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.LatLon;
import io.codedelivery.persistence.DeviceStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the tracking stage remembers of one device between fixes, and saves (as {@link #toDocument()}) at its
 * checkpoints: the newest fix it has seen at all (the device's last fix, which the device list shows), and about its
 * active delivery the newest fix time, where and since when the vehicle has stayed near the destination, its recent
 * speeds, and the times of the fixes whose positions were produced lately (so a phone's resend is not produced
 * again). Fix times are epoch ms.
 */
final class DeviceState {
  static final int SPEED_SAMPLES = 5;
  /** A phone resends what went unanswered within seconds; this many fixes cover minutes of a busy phone's traffic. */
  static final int RECENT_FIXES = 64;
  static final long NONE = -1;

  final String deviceId;
  long deviceNewestFixMs = NONE;
  /** The fix of {@link #deviceNewestFixMs}, null before the first. */
  DeviceFix deviceNewestFix;
  String deliveryId;
  long newestFixMs = NONE;
  long dwellStartMs = NONE;
  double startDistanceMetres = Double.NaN;
  LatLon lastPoint;
  final Deque<Double> recentSpeeds = new ArrayDeque<>();
  /** Fix times of the delivery's latest positions produced (and, once saved, acknowledged), oldest first. */
  final Deque<Long> recentFixMs = new ArrayDeque<>();

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
    recentFixMs.clear();
  }

  /** Whether the position of a fix of this time was produced lately; if not, it is now. */
  boolean alreadyProduced(long fixMs) {
    if (recentFixMs.contains(fixMs)) {
      return true;
    }
    if (recentFixMs.size() == RECENT_FIXES) {
      recentFixMs.removeFirst();
    }
    recentFixMs.addLast(fixMs);
    return false;
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

  /** A fix newer than any the device sent before: its last fix now. */
  void newestOfDevice(DeviceFix fix) {
    deviceNewestFixMs = fix.fixTime().toEpochMilli();
    deviceNewestFix = fix;
  }

  JsonObject toDocument() {
    JsonObject document = new JsonObject().put("_id", deviceId).put("deviceNewestFixMs", deviceNewestFixMs);
    if (deviceNewestFix != null) {
      document.put(DeviceStore.LAST_FIX, deviceNewestFix.toJson());
    }
    if (deliveryId == null) {
      return document;
    }
    document.put("deliveryId", deliveryId).put("newestFixMs", newestFixMs).put("dwellStartMs", dwellStartMs)
        .put("recentSpeeds", new JsonArray(recentSpeeds.stream().map(Object.class::cast).toList()))
        .put("recentFixMs", new JsonArray(recentFixMs.stream().map(Object.class::cast).toList()));
    if (!Double.isNaN(startDistanceMetres)) {
      document.put("startDistanceMetres", startDistanceMetres);
    }
    if (lastPoint != null) {
      document.put("lastPoint", lastPoint.toJson());
    }
    return document;
  }

  static DeviceState fromDocument(JsonObject document) {
    DeviceState state = new DeviceState(document.getString("_id"));
    state.deviceNewestFixMs = document.getLong("deviceNewestFixMs", NONE);
    JsonObject lastFix = document.getJsonObject(DeviceStore.LAST_FIX);
    state.deviceNewestFix = lastFix == null ? null : DeviceFix.fromJson(lastFix);
    state.deliveryId = document.getString("deliveryId");
    state.newestFixMs = document.getLong("newestFixMs", NONE);
    state.dwellStartMs = document.getLong("dwellStartMs", NONE);
    state.startDistanceMetres = document.getDouble("startDistanceMetres", Double.NaN);
    JsonObject lastPoint = document.getJsonObject("lastPoint");
    state.lastPoint = lastPoint == null ? null : LatLon.fromJson(lastPoint);
    document.getJsonArray("recentSpeeds", new JsonArray()).forEach(speed -> state.addSpeed(((Number) speed).doubleValue()));
    document.getJsonArray("recentFixMs", new JsonArray()).forEach(fixMs -> state.recentFixMs.addLast(((Number) fixMs).longValue()));
    return state;
  }
}
