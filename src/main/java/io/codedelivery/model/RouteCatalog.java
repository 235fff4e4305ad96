package io.codedelivery.model;

import io.vertx.core.json.JsonArray;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The routes vehicles can drive, by id; immutable once loaded. */
public final class RouteCatalog {
  private final Map<String, Route> routes;

  public RouteCatalog(Collection<Route> routes) {
    this.routes = routes.stream().collect(Collectors.toMap(Route::id, r -> r, (a, b) -> {
      throw new IllegalArgumentException("two routes with id " + a.id());
    }, TreeMap::new));
  }

  public Optional<Route> find(String id) {
    return Optional.ofNullable(routes.get(id));
  }

  /** @throws InvalidMessageException when a message names a route the catalogue does not have */
  public Route require(String id) {
    return find(id).orElseThrow(() -> new InvalidMessageException("unknown route '" + Fields.abbreviate(id) + "'"));
  }

  public Collection<Route> all() {
    return routes.values();
  }

  public String ids() {
    return String.join(", ", routes.keySet());
  }

  public JsonArray toJson() {
    JsonArray array = new JsonArray();
    routes.values().forEach(r -> array.add(r.toJson()));
    return array;
  }
}
