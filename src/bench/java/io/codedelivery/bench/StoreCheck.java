package io.codedelivery.bench;

import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the store holds once the window is over. With the simulation stopped, it waits (up to {@code --store-wait})
 * for the persistence role to store as many positions as were produced, or reports the backlog still on the topic;
 * then it compares the stored seqs of a sample of deliveries ({@code --store-sample} finished ones, which must hold
 * exactly 0..points-1, and as many running ones, which must hold an exact prefix reaching the highest seq bridged),
 * and times the REST track query a browser's replay makes on those deliveries. Its answer is the result's
 * {@code store} object: counts of missing and duplicated positions, the failures, the timings.
 */
final class StoreCheck {
  private final int sample;
  private final int waitS;

  StoreCheck(int sample, int waitS) {
    this.sample = sample;
    this.waitS = waitS;
  }

  /**
   * With the simulation stopped, waits until the store holds every position produced (by the counters), then compares
   * the stored seqs of a sample of deliveries: a finished one must hold exactly 0..points-1; a running one must
   * hold exactly 0..k for a k at least the highest seq bridged when the check began.
   */
  JsonObject check(TestStack stack, Fleet fleet, Metering metering) throws Exception {
    long begin = System.nanoTime();
    long deadline = begin + TimeUnit.SECONDS.toNanos(waitS);
    double producedAtEnd = metering.produced();
    long caughtUpMs = -1;
    while (System.nanoTime() < deadline) {
      if (metering.persisted() >= producedAtEnd) {
        caughtUpMs = (System.nanoTime() - begin) / 1_000_000;
        break;
      }
      Thread.sleep(100);
    }
    System.out.printf(Locale.ROOT, "Store: persisted %.0f of %.0f positions produced (simulation stopped after the window)%s%n",
        metering.persisted(), producedAtEnd, caughtUpMs >= 0 ? " after " + caughtUpMs + " ms" : " (not caught up!)");

    if (caughtUpMs < 0) {
      // Not lost: what the store lacks is still on the topic, uncommitted by the persistence group.
      long backlog = Math.round(producedAtEnd - metering.persisted());
      return new JsonObject().put("persistedCatchUpMs", -1).put("backlog", backlog).put("ok", false)
          .put("waitS", waitS);
    }
    StoreProbe probe = new StoreProbe(stack.app());
    List<Watchlist.Delivery> finished = fleet.watchlist().finishedSnapshot();
    List<Watchlist.Delivery> finishedSample = finished.subList(0, Math.min(sample, finished.size()));
    List<long[]> runningSample = new ArrayList<>(); // {index into list, target seq}
    List<Watchlist.Delivery> running = new ArrayList<>();
    for (Watchlist.Delivery d : fleet.watchlist().activeSnapshot()) {
      if (running.size() >= sample) {
        break;
      }
      long target = d.maxBridgedSeq;
      if (target >= 0 && !d.finished()) {
        running.add(d);
        runningSample.add(new long[] {running.size() - 1, target});
      }
    }
    JsonArray failures = new JsonArray();
    int finishedOk = 0;
    long missing = 0;
    long duplicates = 0;
    for (Watchlist.Delivery d : finishedSample) {
      long[] check = awaitStored(probe, d.id, d.points - 1, true, deadline);
      if (check[0] == 0 && check[1] == 0) {
        finishedOk++;
      } else {
        failures.add(new JsonObject().put("deliveryId", d.id).put("routeId", d.routeId).put("expected", d.points)
            .put("missing", check[0]).put("duplicates", check[1]).put("unexpected", check[2]));
      }
      missing += check[0];
      duplicates += check[1];
    }
    int runningOk = 0;
    for (long[] entry : runningSample) {
      Watchlist.Delivery d = running.get((int) entry[0]);
      long[] check = awaitStored(probe, d.id, entry[1], false, deadline);
      if (check[0] == 0 && check[1] == 0) {
        runningOk++;
      } else {
        failures.add(new JsonObject().put("deliveryId", d.id).put("routeId", d.routeId).put("expectedUpToSeq", entry[1])
            .put("missing", check[0]).put("duplicates", check[1]));
      }
      missing += check[0];
      duplicates += check[1];
    }
    probe.mongo().close();
    Map<String, Long> expectedTracks = new LinkedHashMap<>();
    finishedSample.forEach(d -> expectedTracks.put(d.id, (long) d.points));
    runningSample.forEach(entry -> expectedTracks.put(running.get((int) entry[0]).id, entry[1] + 1));
    long[] trackMs = timeTrackQueries(stack, expectedTracks);
    long checkMs = (System.nanoTime() - begin) / 1_000_000;
    System.out.printf(Locale.ROOT, "Store: %d/%d finished deliveries exact (0..points-1), %d/%d running deliveries exact prefix; %d ms%n",
        finishedOk, finishedSample.size(), runningOk, runningSample.size(), checkMs);
    return new JsonObject()
        .put("persistedCatchUpMs", caughtUpMs)
        .put("finishedChecked", finishedSample.size())
        .put("finishedExact", finishedOk)
        .put("finishedAvailable", finished.size())
        .put("runningChecked", runningSample.size())
        .put("runningExactPrefix", runningOk)
        .put("missing", missing)
        .put("duplicates", duplicates)
        .put("checkMs", checkMs)
        .put("trackQueryMedianMs", trackMs[0])
        .put("trackQueryMaxMs", trackMs[1])
        .put("failures", failures)
        .put("ok", failures.isEmpty() && caughtUpMs >= 0);
  }

  /**
   * Times what a browser's replay asks for, {@code GET /api/deliveries/<id>/positions}, on the store as the run
   * left it; each answer must hold (at least) the positions the store check found. Returns {median, max} in ms,
   * or {-1, -1} with nothing to ask.
   */
  private static long[] timeTrackQueries(TestStack stack, Map<String, Long> expectedSizes) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    List<Long> millis = new ArrayList<>();
    for (Map.Entry<String, Long> expected : expectedSizes.entrySet()) {
      long t0 = System.nanoTime();
      HttpResponse<String> response = http.send(stack.request("/api/deliveries/" + expected.getKey() + "/positions").GET().build(),
          HttpResponse.BodyHandlers.ofString());
      millis.add((System.nanoTime() - t0) / 1_000_000);
      if (response.statusCode() != 200 || new JsonArray(response.body()).size() < expected.getValue()) {
        throw new IllegalStateException("track of " + expected.getKey() + " answered " + response.statusCode()
            + " without its " + expected.getValue() + " stored positions");
      }
    }
    if (millis.isEmpty()) {
      return new long[] {-1, -1};
    }
    Collections.sort(millis);
    return new long[] {millis.get(millis.size() / 2), millis.get(millis.size() - 1)};
  }

  /**
   * Polls one delivery's stored seqs until they are exactly 0..upTo (finished: and nothing beyond), or the deadline.
   * Returns {missing, duplicates, unexpected beyond upTo}.
   */
  private static long[] awaitStored(StoreProbe probe, String deliveryId, long upTo, boolean exact, long deadline)
      throws InterruptedException {
    long[] check;
    while (true) {
      List<Long> seqs = probe.storedSeqs(deliveryId);
      check = compare(seqs, upTo, exact);
      if ((check[0] == 0 && check[1] == 0 && check[2] == 0) || System.nanoTime() >= deadline) {
        return check;
      }
      Thread.sleep(250);
    }
  }

  static long[] compare(List<Long> sortedSeqs, long upTo, boolean exact) {
    long missing = 0;
    long duplicates = 0;
    long unexpected = 0;
    long expect = 0;
    Long previous = null;
    for (Long seq : sortedSeqs) {
      if (previous != null && seq.equals(previous)) {
        duplicates++;
        continue;
      }
      previous = seq;
      if (seq > upTo) {
        if (exact) {
          unexpected++;
        }
        continue;
      }
      if (seq > expect) {
        missing += seq - expect;
      }
      expect = seq + 1;
    }
    if (expect <= upTo) {
      missing += upTo + 1 - expect;
    }
    return new long[] {missing, duplicates, unexpected};
  }
}
