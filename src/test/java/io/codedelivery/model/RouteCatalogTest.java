package io.codedelivery.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** How a process's catalogue learns routes other processes stored, without asking the store more than needed. */
class RouteCatalogTest {
  private static final Route SEEDED = route("1");

  private static Route route(String id) {
    return new Route(id, "Route " + id, List.of(new LatLon(1, 2), new LatLon(3, 4)));
  }

  /** The store, answering each query only when the test says so. */
  private static final class Store implements RouteCatalog.Source {
    final Map<String, Route> stored = new ConcurrentHashMap<>();
    final List<Set<String>> queries = new ArrayList<>();
    final List<Promise<List<Route>>> pending = new ArrayList<>();

    @Override
    public Future<List<Route>> byIds(Set<String> ids) {
      queries.add(ids);
      Promise<List<Route>> answer = Promise.promise();
      pending.add(answer);
      return answer.future();
    }

    @Override
    public Future<List<String>> ids() {
      return Future.succeededFuture(List.copyOf(stored.keySet()));
    }

    /** Answers the oldest open query with what is stored now. */
    void answer() {
      Set<String> asked = queries.get(queries.size() - pending.size());
      pending.remove(0).complete(asked.stream().map(stored::get).filter(r -> r != null).toList());
    }

    void store(Route route) {
      stored.put(route.id(), route);
    }
  }

  private final Store store = new Store();
  private final RouteCatalog catalogue = new RouteCatalog(List.of(SEEDED), store);

  @Test
  void aKnownRouteIsAnsweredWithoutAskingTheStore() {
    assertThat(catalogue.lookup("1").result()).contains(SEEDED);
    assertThat(store.queries).isEmpty();
  }

  @Test
  void aRouteAnotherProcessStoredIsFoundOnItsFirstLookUpAndKeptFromThenOn() {
    store.store(route("up"));

    Future<Optional<Route>> first = catalogue.lookup("up");
    store.answer();

    assertThat(first.result()).map(Route::id).contains("up");
    assertThat(catalogue.find("up")).isPresent();
    assertThat(catalogue.lookup("up").result()).isPresent();
    assertThat(store.queries).hasSize(1);
  }

  @Test
  void anUnknownRouteIsUnknownOnlyAfterTheStoreWasAsked() {
    Future<Optional<Route>> looked = catalogue.lookup("nope");

    assertThat(looked.isComplete()).as("answered before asking the store").isFalse();
    store.answer();
    assertThat(looked.result()).isEmpty();
  }

  @Test
  void missesWhileAQueryIsOutAreAskedTogetherInOneQueryThatStartsAfterThem() {
    Future<Optional<Route>> first = catalogue.lookup("a");
    // Stored after the first query began: that query may not see it, so later misses must not be answered by it.
    store.store(route("b"));
    List<Future<Optional<Route>>> later = List.of(catalogue.lookup("b"), catalogue.lookup("c"), catalogue.lookup("b"));

    assertThat(store.queries).containsExactly(Set.of("a"));
    store.answer();
    assertThat(first.result()).isEmpty();
    assertThat(later).noneMatch(Future::isComplete);

    assertThat(store.queries).containsExactly(Set.of("a"), Set.of("b", "c"));
    store.answer();
    assertThat(later.get(0).result()).map(Route::id).contains("b");
    assertThat(later.get(1).result()).isEmpty();
    assertThat(later.get(2).result()).map(Route::id).contains("b");
  }

  @Test
  void aStoreThatIsAwayFailsTheLookUpRatherThanCallingTheRouteUnknown() {
    Future<Optional<Route>> looked = catalogue.lookup("up");
    store.pending.remove(0).fail("store away");

    assertThat(looked.failed()).isTrue();
    store.store(route("up"));
    Future<Optional<Route>> again = catalogue.lookup("up");
    store.answer();
    assertThat(again.result()).isPresent();
  }

  @Test
  void idsThatCannotBeRoutesAreUnknownWithoutAskingTheStore() {
    assertThat(catalogue.lookup("../etc").result()).isEmpty();
    assertThat(catalogue.lookup("x".repeat(65)).result()).isEmpty();
    assertThat(catalogue.lookup(null).result()).isEmpty();
    assertThat(store.queries).isEmpty();
  }

  @Test
  void aRefreshLearnsEveryStoredRouteForTheListing() {
    store.store(route("up1"));
    store.store(route("up2"));

    Future<Void> refreshed = catalogue.refresh();
    store.answer();

    assertThat(refreshed.succeeded()).isTrue();
    assertThat(catalogue.all()).extracting(Route::id).containsExactly("1", "up1", "up2");
  }

  @Test
  void aRouteStoredHereIsKnownAtOnce() {
    catalogue.add(route("mine"));

    assertThat(catalogue.lookup("mine").result()).isPresent();
    assertThat(store.queries).isEmpty();
  }
}
