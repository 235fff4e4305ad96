package io.codedelivery.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A DevTools CPU profile of the page (the sampling profiler's nodes, a call tree), summed by function: the time each
 * spent itself (self) and with what it called (total), in ms per second of the profile. A function met again inside
 * itself counts once towards its total. Samples of the idle main thread, of the garbage collector and of "(program)"
 * (the renderer's own work outside scripts: style, layout, paint) keep their names in parentheses.
 */
final class PageProfile {
  private final Map<Integer, JsonObject> nodes = new HashMap<>();
  private final Map<Integer, Integer> parents = new HashMap<>();
  private final double msPerHit;
  private final double seconds;

  PageProfile(JsonObject profile) {
    long hits = 0;
    for (Object entry : profile.getJsonArray("nodes")) {
      JsonObject node = (JsonObject) entry;
      nodes.put(node.getInteger("id"), node);
      hits += node.getLong("hitCount", 0L);
      for (Object child : node.getJsonArray("children", new JsonArray())) {
        parents.put(((Number) child).intValue(), node.getInteger("id"));
      }
    }
    double microseconds = profile.getDouble("endTime") - profile.getDouble("startTime");
    seconds = Math.max(1e-9, microseconds / 1e6);
    msPerHit = hits == 0 ? 0 : microseconds / 1000 / hits;
  }

  /** {self: [{function, msPerSecond}…], total: […]}, the {@code limit} largest of each. */
  JsonObject top(int limit) {
    Map<String, Double> self = new HashMap<>();
    Map<String, Double> total = new HashMap<>();
    for (JsonObject node : nodes.values()) {
      double ms = node.getLong("hitCount", 0L) * msPerHit;
      if (ms == 0) {
        continue;
      }
      self.merge(name(node), ms, Double::sum);
      Set<String> counted = new HashSet<>();
      for (Integer id = node.getInteger("id"); id != null; id = parents.get(id)) {
        String name = name(nodes.get(id));
        if (counted.add(name)) {
          total.merge(name, ms, Double::sum);
        }
      }
    }
    total.remove("(root)");
    return new JsonObject().put("self", largest(self, limit)).put("total", largest(total, limit));
  }

  private JsonArray largest(Map<String, Double> msByFunction, int limit) {
    JsonArray largest = new JsonArray();
    msByFunction.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(limit)
        .forEach(e -> largest.add(new JsonObject().put("function", e.getKey())
            .put("msPerSecond", Math.round(e.getValue() / seconds * 10) / 10.0)));
    return largest;
  }

  /** "functionName file:line" (the file's path without the origin), or the node's name in parentheses. */
  private static String name(JsonObject node) {
    JsonObject frame = node.getJsonObject("callFrame");
    String function = frame.getString("functionName", "");
    String url = frame.getString("url", "");
    if (url.isEmpty()) {
      return function.isEmpty() ? "(anonymous)" : function;
    }
    String file = url.replaceFirst("^[a-z]+://[^/]+", "");
    return (function.isEmpty() ? "(anonymous)" : function) + " " + file + ":" + (frame.getInteger("lineNumber", -1) + 1);
  }
}
