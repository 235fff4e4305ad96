package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.persistence.SeededDeliveries;
import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A store of many deliveries and a crowd of clients listing them as fast as they can: readiness stays up, a single
 * delivery still reads in well under a second, positions of a new delivery are still stored, and the list itself
 * still pages correctly through all of it.
 */
class ReadFloodIT {
  private static final int SEEDED = 3_000;
  private static final int CLIENTS = 12;
  private static final Duration FLOOD = Duration.ofSeconds(10);
  private static final Duration PROBE_EVERY = Duration.ofMillis(250);
  /** What a Kubernetes probe would allow: the readiness check's own timeout. */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
  /**
   * A single read queued behind the flood would wait seconds, up to the flood's whole length; one that is not answers
   * in tens of milliseconds. The bound between sits well above a loaded two-core build machine's worst (1.05 s seen
   * while other JVMs ran browser tests) and well below a starved read.
   */
  private static final Duration SINGLE_READ_WITHIN = Duration.ofSeconds(3);
  private static TestStack stack;
  private static StoreProbe store;
  private static List<String> seededNewestFirst;

  @BeforeAll
  static void seedAManyDeliveryStore() throws Exception {
    stack = TestStack.start(Map.of());
    store = new StoreProbe(stack.app());
    seededNewestFirst = SeededDeliveries.seed(store.mongo(), stack.app().routes(), SEEDED, Instant.now().minus(Duration.ofDays(1)))
        .toCompletionStage().toCompletableFuture().get(3, TimeUnit.MINUTES);
    // Signed in now, not by the first of the flood's clients: a sign-in's password hash is slow work of its own.
    stack.adminToken();
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  /** One answer as a client saw it: status (0 when it timed out), body and how long it took. */
  private record Answer(int status, String body, String retryAfter, Duration took) {
  }

  private static Answer get(HttpClient http, HttpRequest.Builder request, Duration timeout) {
    long start = System.nanoTime();
    try {
      HttpResponse<String> response = http.send(request.timeout(timeout).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body(), response.headers().firstValue("retry-after").orElse(null),
          Duration.ofNanos(System.nanoTime() - start));
    } catch (HttpTimeoutException e) {
      return new Answer(0, "timed out", null, Duration.ofNanos(System.nanoTime() - start));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpClient newClient() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  /** Lists as fast as it is answered until the flood is over, with and without filters and following cursors. */
  private static List<Answer> listUntil(long endNanos) {
    HttpClient http = newClient();
    List<Answer> answers = new ArrayList<>();
    String next = null;
    for (int i = 0; System.nanoTime() < endNanos; i++) {
      String query = switch (i % 4) {
        case 0 -> "limit=100";
        case 1 -> "status=finished&limit=50";
        case 2 -> "status=in-transit&routeId=2";
        default -> next == null ? "" : "after=" + next;
      };
      Answer answer = get(http, stack.request("/api/deliveries?" + query), Duration.ofSeconds(30));
      answers.add(answer);
      if (answer.status() == 200) {
        next = new JsonObject(answer.body()).getString("next");
      }
    }
    return answers;
  }

  @Test
  void aFloodOfListQueriesLeavesReadinessSingleReadsAndStoringUnharmed() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    ScheduledExecutorService probes = Executors.newScheduledThreadPool(2);
    Queue<Answer> readiness = new ConcurrentLinkedQueue<>();
    Queue<Answer> singleReads = new ConcurrentLinkedQueue<>();
    HttpClient probeHttp = newClient();
    HttpClient readHttp = newClient();
    String started;
    List<Answer> lists = new ArrayList<>();
    // One of each before the flood: what is measured is the flood's effect, not a connection's or the JIT's first use.
    assertThat(get(readHttp, stack.request("/api/deliveries/" + seededNewestFirst.get(0)), Duration.ofSeconds(30)).status()).isEqualTo(200);
    assertThat(get(readHttp, stack.request("/api/deliveries"), Duration.ofSeconds(30)).status()).isEqualTo(200);
    try {
      long end = System.nanoTime() + FLOOD.toNanos();
      List<Future<List<Answer>>> flood = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        flood.add(clients.submit(() -> listUntil(end)));
      }
      probes.scheduleAtFixedRate(() -> readiness.add(get(probeHttp, HttpRequest.newBuilder(URI.create(stack.managementUrl() + "/health/ready")), PROBE_TIMEOUT)),
          0, PROBE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
      probes.scheduleAtFixedRate(() -> singleReads.add(get(readHttp, stack.request("/api/deliveries/"
          + seededNewestFirst.get(singleReads.size() * 97 % SEEDED)), Duration.ofSeconds(30))),
          0, PROBE_EVERY.toMillis(), TimeUnit.MILLISECONDS);

      started = startDelivery(readHttp);
      await().atMost(FLOOD).until(() -> {
        JsonObject stored = store.delivery(started);
        return stored != null && stored.getLong("lastSeq") >= 20;
      });
      for (Future<List<Answer>> client : flood) {
        lists.addAll(client.get(60, TimeUnit.SECONDS));
      }
    } finally {
      probes.shutdownNow();
      clients.shutdownNow();
    }

    assertThat(readiness).as("readiness probes").hasSizeGreaterThanOrEqualTo(20)
        .allSatisfy(probe -> assertThat(probe.status()).as("readiness %s after %s", probe.body(), probe.took()).isEqualTo(200));
    assertThat(singleReads).as("single-delivery reads").hasSizeGreaterThanOrEqualTo(20).allSatisfy(read -> {
      assertThat(read.status()).as(read.body()).isEqualTo(200);
      assertThat(read.took()).isLessThan(SINGLE_READ_WITHIN);
    });
    assertThat(lists).filteredOn(a -> a.status() == 200).as("lists served during the flood").hasSizeGreaterThan(CLIENTS);
    assertThat(lists).filteredOn(a -> a.status() != 200).allSatisfy(busy -> {
      assertThat(busy.status()).as(busy.body()).isEqualTo(503);
      assertThat(new JsonObject(busy.body()).getString("error")).isEqualTo("busy");
      assertThat(busy.retryAfter()).isEqualTo(String.valueOf(DeliveryApi.BUSY_RETRY_AFTER_SECONDS));
    });
  }

  private static String startDelivery(HttpClient http) throws Exception {
    HttpResponse<String> response = http.send(stack.request("/api/deliveries")
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"routeId\":\"2\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return new JsonObject(response.body()).getString("deliveryId");
  }

  @Test
  void followingNextVisitsEveryStoredDeliveryOnceNewestFirst() {
    List<String> listed = walk("limit=100");

    assertThat(listed).hasSizeGreaterThanOrEqualTo(SEEDED);
    assertThat(listed.subList(listed.size() - SEEDED, listed.size())).as("the seeded ones, newest first, after any newer")
        .containsExactlyElementsOf(seededNewestFirst);
  }

  @Test
  void aFilteredWalkReadsBoundedPagesAndFindsExactlyTheMatches() {
    List<String> startedOnRoute1 = new ArrayList<>();
    for (int i = 0; i < SEEDED; i++) {
      if (i % 10 == 0 && i % 3 == 0) {
        startedOnRoute1.add(seededNewestFirst.get(i));
      }
    }

    List<String> listed = walk("status=started&routeId=1&limit=100");

    assertThat(listed).containsExactlyElementsOf(startedOnRoute1);
  }

  /** Every delivery id listed by following {@code next} from the first page on, checking each page's bounds. */
  private static List<String> walk(String query) {
    HttpClient http = newClient();
    List<String> listed = new ArrayList<>();
    Set<String> cursors = new HashSet<>();
    String next = null;
    do {
      Answer page = get(http, stack.request("/api/deliveries?" + query + (next == null ? "" : "&after=" + next)), Duration.ofSeconds(30));
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      JsonObject json = new JsonObject(page.body());
      JsonArray items = json.getJsonArray("items");
      assertThat(items.size()).isLessThanOrEqualTo(100);
      items.forEach(item -> listed.add(((JsonObject) item).getString("deliveryId")));
      next = json.getString("next");
      assertThat(next == null || cursors.add(next)).as("each page moves on").isTrue();
    } while (next != null);
    return listed;
  }
}
