package io.codedelivery.model;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The routes vehicles can drive, by id, shared by every verticle of a process. It starts with the routes stored at
 * start-up and learns routes uploaded later (by any process) from its {@link Source}, the store:
 * <ul>
 *   <li>{@link #lookup} and {@link #learn} answer from memory when they can, and otherwise ask the store before
 *   answering "unknown". A miss is never answered from a query that began before it, so a route stored before the
 *   question is found: there is no staleness bound to wait out, whichever process stored it.</li>
 *   <li>Misses are batched: one query per catalogue is in flight at a time, and every id missed meanwhile is asked
 *   for together in the next one. A flood of unknown ids therefore costs the store one lookup by {@code _id} at a
 *   time, never one per request. Ids breaking {@link RouteId}'s rule are unknown without asking.</li>
 *   <li>{@link #refresh} learns every stored route, for the catalogue's listing; there is no periodic refresh,
 *   because nothing else needs a route before it is asked for by id.</li>
 * </ul>
 * Stored routes never change and are never removed, so a route once known stays right. {@link #find} is the
 * synchronous view of what this process knows now, for callers that have already {@link #learn learned} the ids
 * they need. Safe for every event loop at once; answers come back on the caller's context.
 */
public final class RouteCatalog {
  private static final int MAX_IDS_IN_MESSAGE = 20;
  private static final Source NOWHERE = new Source() {
    @Override
    public Future<List<Route>> byIds(Set<String> ids) {
      return Future.succeededFuture(List.of());
    }

    @Override
    public Future<List<String>> ids() {
      return Future.succeededFuture(List.of());
    }
  };

  /** Where routes not known yet are read from. */
  public interface Source {
    /** The stored routes with these ids; ids not stored are left out. */
    Future<List<Route>> byIds(Set<String> ids);

    /** The ids of every stored route. */
    Future<List<String>> ids();
  }

  private final Source source;
  /** An unmodifiable snapshot, replaced whole when routes are learned; readers never lock. */
  private volatile SortedMap<String, Route> routes;
  /** Guarded by {@code this}: ids missed since the last query began, and who waits for them. */
  private final Set<String> wanted = new LinkedHashSet<>();
  private Promise<Void> nextQuery;
  private boolean querying;

  /** A catalogue of exactly these routes: a miss is final. */
  public RouteCatalog(Collection<Route> routes) {
    this(routes, NOWHERE);
  }

  /** These routes, and whatever else the source holds, learned when asked for. */
  public RouteCatalog(Collection<Route> routes, Source source) {
    this.source = source;
    SortedMap<String, Route> byId = new TreeMap<>();
    for (Route route : routes) {
      if (byId.putIfAbsent(route.id(), route) != null) {
        throw new IllegalArgumentException("two routes with id " + route.id());
      }
    }
    this.routes = Collections.unmodifiableSortedMap(byId);
  }

  /** The route if this process knows it already; see {@link #lookup} for a route that may be new. */
  public Optional<Route> find(String id) {
    return Optional.ofNullable(routes.get(id));
  }

  /** The route, asking the store when this process does not know it yet; empty when nobody stored it. */
  public Future<Optional<Route>> lookup(String id) {
    return id == null ? Future.succeededFuture(Optional.empty()) : learn(Set.of(id)).map(v -> find(id));
  }

  /**
   * Completes once every stored route among these ids is known ({@link #find} then has them); nulls and ids that
   * are no route id are ignored. Fails only when the store could not be asked.
   */
  public Future<Void> learn(Collection<String> ids) {
    Set<String> missing = ids.stream().filter(id -> RouteId.isValid(id) && !routes.containsKey(id)).collect(Collectors.toSet());
    if (missing.isEmpty()) {
      return Future.succeededFuture();
    }
    Future<Void> answered;
    boolean startQuery;
    synchronized (this) {
      wanted.addAll(missing);
      if (nextQuery == null) {
        nextQuery = Promise.promise();
      }
      answered = nextQuery.future();
      startQuery = !querying;
      querying = true;
    }
    if (startQuery) {
      queryWanted();
    }
    return onCallersContext(answered);
  }

  /** Learns every route stored by now, by any process. */
  public Future<Void> refresh() {
    return onCallersContext(source.ids().compose(this::learn));
  }

  /** A route this process has just stored: known at once here, without asking the store. */
  public void add(Route route) {
    remember(List.of(route));
  }

  private void queryWanted() {
    Set<String> batch;
    Promise<Void> answered;
    synchronized (this) {
      batch = wanted.stream().filter(id -> !routes.containsKey(id)).collect(Collectors.toSet());
      wanted.clear();
      answered = nextQuery;
      nextQuery = null;
    }
    Future<List<Route>> found = batch.isEmpty() ? Future.succeededFuture(List.of()) : source.byIds(batch);
    found.onComplete(result -> {
      if (result.succeeded()) {
        remember(result.result());
      }
      boolean again;
      synchronized (this) {
        again = !wanted.isEmpty();
        querying = again;
      }
      answered.handle(result.mapEmpty());
      if (again) {
        queryWanted();
      }
    });
  }

  private synchronized void remember(Collection<Route> learned) {
    SortedMap<String, Route> next = new TreeMap<>(routes);
    learned.forEach(route -> next.putIfAbsent(route.id(), route));
    routes = Collections.unmodifiableSortedMap(next);
  }

  /** The shared answer, handed to the caller on its own context: it may have been completed on another's. */
  private static <T> Future<T> onCallersContext(Future<T> shared) {
    Context caller = Vertx.currentContext();
    if (caller == null || shared.isComplete()) {
      return shared;
    }
    Promise<T> mine = Promise.promise();
    shared.onComplete(done -> caller.runOnContext(v -> mine.handle(done)));
    return mine.future();
  }

  /** @throws InvalidMessageException when a message names a route this process does not know */
  public Route require(String id) {
    return find(id).orElseThrow(() -> new InvalidMessageException("unknown route '" + Fields.abbreviate(id) + "'"));
  }

  public Collection<Route> all() {
    return routes.values();
  }

  /** The known ids for a message, the first few of them when there are many. */
  public String ids() {
    Map<String, Route> known = routes;
    String first = known.keySet().stream().limit(MAX_IDS_IN_MESSAGE).collect(Collectors.joining(", "));
    return known.size() <= MAX_IDS_IN_MESSAGE ? first : first + " and " + (known.size() - MAX_IDS_IN_MESSAGE) + " more";
  }

  public JsonArray toJson() {
    JsonArray array = new JsonArray();
    routes.values().forEach(r -> array.add(r.toJson()));
    return array;
  }
}
