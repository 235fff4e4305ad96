package io.codedelivery.persistence;

import static io.codedelivery.support.StoreProbe.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Role;
import io.codedelivery.config.Setting;
import io.codedelivery.model.ConsumerGroups;
import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.LatLon;
import io.codedelivery.model.Position;
import io.codedelivery.model.Route;
import io.codedelivery.model.Topics;
import io.codedelivery.support.Deliveries;
import io.codedelivery.support.StoreProbe;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every position stored exactly once, whatever is redelivered or restarted. The same contract runs against the
 * embedded MongoDB-wire store ({@link PersistenceIT}) and a real MongoDB ({@link MongoContainerPersistenceIT}).
 */
abstract class PersistenceContract {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static TestStack stack;
  /** Persistence runs as a tier of its own, as it can be deployed, so a test can stop it alone. */
  private static TestStack persistenceTier;
  private static StoreProbe store;

  /** Starts the stack under test; the subclass says which store it uses. */
  static void startStack(Map<Setting, String> storeSettings) {
    Map<Setting, String> settings = new HashMap<>(storeSettings);
    settings.put(Setting.SIMULATION_INTERVAL_MS, "25");
    settings.put(Setting.ROLES, "simulation,tracking,bridge,web");
    stack = TestStack.start(settings);
    persistenceTier = TestStack.alongside(stack, Set.of(Role.PERSISTENCE));
    store = new StoreProbe(stack.app());
  }

  @AfterAll
  static void stopStack() {
    if (persistenceTier != null) {
      persistenceTier.close();
      persistenceTier = null;
    }
    if (stack != null) {
      stack.close();
      stack = null;
    }
  }

  private static int pointsOf(String routeId) {
    return stack.app().routes().find(routeId).orElseThrow().points().size();
  }

  private static List<Long> allSeqs(int points) {
    return LongStream.range(0, points).boxed().toList();
  }

  @Test
  void aDeliveryOfAnNPointRouteLeavesNPositionsAndAFinishedDeliveryAtSeqNMinus1() throws Exception {
    String id = Deliveries.start(stack.app().vertx(), "2");
    int n = pointsOf("2");

    await().atMost(WAIT).until(() -> store.isFinished(id));

    assertThat(store.storedSeqs(id)).isEqualTo(allSeqs(n));
    JsonObject delivery = store.delivery(id);
    assertThat(delivery.getLong("lastSeq")).isEqualTo(n - 1);
    assertThat(delivery.getDouble("progress")).isEqualTo(1.0);
    assertThat(delivery.getLong("distanceRemainingMetres")).isZero();
    assertThat(delivery.getString("routeId")).isEqualTo("2");
    assertThat(delivery.getValue("finishedAt")).isNotNull();
  }

  @Test
  void recordsConsumedAgainAndLateOldPositionsLeaveTheStoreUnchanged() throws Exception {
    String id = Deliveries.start(stack.app().vertx(), "1");
    await().atMost(WAIT).until(() -> store.isFinished(id));
    List<JsonObject> track = await(store.mongo().findWithOptions(Store.POSITIONS, new JsonObject().put("deliveryId", id),
        new FindOptions().setSort(new JsonObject().put("seq", 1))));
    JsonObject deliveryBefore = store.delivery(id);

    // The whole track again, as after an offset reset, then an old position arriving late.
    try (KafkaProducer<String, String> producer = stack.kafkaProducer()) {
      for (JsonObject stored : track) {
        producer.send(new ProducerRecord<>(Topics.NEW_POSITION, id, asTopicValue(stored))).get();
      }
      producer.send(new ProducerRecord<>(Topics.NEW_POSITION, id, asTopicValue(track.get(3)))).get();
    }
    awaitPersistenceCaughtUp();

    assertThat(store.storedSeqs(id)).isEqualTo(allSeqs(pointsOf("1")));
    assertThat(store.delivery(id)).isEqualTo(deliveryBefore);
  }

  @Test
  void stoppingPersistenceMidDeliveriesLosesAndDuplicatesNothing() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(Deliveries.start(stack.app().vertx(), String.valueOf(1 + i % 3)));
    }
    await().atMost(WAIT).until(() -> !store.storedSeqs(ids.get(0)).isEmpty());

    persistenceTier.stop();
    long storedWhileDown = ids.stream().mapToLong(id -> store.storedSeqs(id).size()).sum();
    try (Deliveries.Tap tap = new Deliveries.Tap(stack.app().vertx())) {
      await().atMost(WAIT).until(() -> ids.stream().allMatch(tap::finished));
    }
    assertThat(ids.stream().mapToLong(id -> store.storedSeqs(id).size()).sum())
        .as("nothing is stored while persistence is down").isEqualTo(storedWhileDown);
    persistenceTier.startAgain();

    await().atMost(WAIT).until(() -> ids.stream().allMatch(store::isFinished));
    awaitPersistenceCaughtUp();
    for (String id : ids) {
      assertThat(store.storedSeqs(id)).as("seqs of %s", id).isEqualTo(store.wholeTrack(id));
    }
  }

  @Test
  void eachStatusListsExactlyItsDeliveriesWithProgressDerivedFromTheLastSeq() {
    Route route = stack.app().routes().find("3").orElseThrow();
    int last = route.points().size() - 1;
    String started = "00000000-0000-4000-8000-0000000000a1";
    String inTransit = "00000000-0000-4000-8000-0000000000a2";
    String finished = "00000000-0000-4000-8000-0000000000a3";
    PositionWriter writer = new PositionWriter(store.mongo());
    await(writer.write(List.of(located(started, route, 0), located(inTransit, route, 0), located(inTransit, route, 5),
        located(finished, route, 0), located(finished, route, last))));
    await(writer.write(List.of(located(inTransit, route, 3)))); // late: must not move it back

    DeliveryQueries queries = store.queries();
    Map<DeliveryStatus, List<String>> listed = new HashMap<>();
    for (DeliveryStatus status : DeliveryStatus.values()) {
      listed.put(status, await(queries.deliveries(new DeliveryQueries.Filter(status, "3", 100, null))).orElseThrow()
          .items().stream().map(d -> ((JsonObject) d).getString("deliveryId")).toList());
    }
    assertThat(listed.get(DeliveryStatus.STARTED)).contains(started).doesNotContain(inTransit, finished);
    assertThat(listed.get(DeliveryStatus.IN_TRANSIT)).contains(inTransit).doesNotContain(started, finished);
    assertThat(listed.get(DeliveryStatus.FINISHED)).contains(finished).doesNotContain(started, inTransit);

    JsonObject moving = store.delivery(inTransit);
    assertThat(moving.getString("status")).isEqualTo("in-transit");
    assertThat(moving.getLong("lastSeq")).isEqualTo(5);
    assertThat(moving.getDouble("progress")).isEqualTo(5.0 / last);
    assertThat(moving.getJsonObject("lastPosition")).isEqualTo(route.points().get(5).toJson());
    assertThat(store.delivery(finished).getLong("distanceRemainingMetres")).isZero();
  }

  @Test
  void theListShowsEachDeliveryOnceAtItsEarliestStartAndMigrationEntersOlderOnes() {
    Route route = stack.app().routes().find("1").orElseThrow();
    String older = "00000000-0000-4000-8000-0000000000b1";
    String twiceStarted = "00000000-0000-4000-8000-0000000000b2";
    String newer = "00000000-0000-4000-8000-0000000000b3";
    PositionWriter writer = new PositionWriter(store.mongo());
    Instant base = Instant.parse("2031-01-01T00:00:00Z");
    await(writer.write(List.of(located(older, route, 0, base), located(twiceStarted, route, 0, base.plusSeconds(20)),
        located(newer, route, 0, base.plusSeconds(30)))));
    // Seq 0 produced again after a crash, with a later timestamp: the earlier start stands.
    await(writer.write(List.of(located(twiceStarted, route, 0, base.plusSeconds(40)), located(twiceStarted, route, 1, base.plusSeconds(41)))));

    assertThat(newestOfRoute1(10)).containsSubsequence(newer, twiceStarted, older).containsOnlyOnce(twiceStarted);
    assertThat(store.delivery(twiceStarted).getString("startedAt")).isEqualTo(base.plusSeconds(20).toString());

    // A store from before the list's own order: its entries are not there until the migration enters them.
    await(store.mongo().removeDocuments(Store.DELIVERIES_NEWEST_FIRST, new JsonObject().put("deliveryId", older)));
    await(store.mongo().removeDocument(Store.MIGRATIONS, new JsonObject().put("_id", 3)));
    assertThat(newestOfRoute1(10)).doesNotContain(older);
    await(Migrations.run(store.mongo()));
    assertThat(newestOfRoute1(10)).containsSubsequence(newer, twiceStarted, older);
  }

  @Test
  void aDevicesLastFixKeptWithTheDeviceBeforeTheTrackingStateHeldItIsStillShownAfterTheMigration() {
    String deviceId = "migrated-" + java.util.UUID.randomUUID();
    Instant at = Instant.parse("2031-02-01T00:00:00Z");
    JsonObject lastFix = new DeviceFix(deviceId, at, at.plusMillis(300), new LatLon(-15.8, -47.9), 10.0, null, null, 5.0,
        64.0, "osmand", null).toJson();
    await(store.mongo().insert(Store.DEVICES, new JsonObject().put("_id", deviceId).put("name", "Old van").put("lastFix", lastFix)));
    await(store.mongo().removeDocument(Store.MIGRATIONS, new JsonObject().put("_id", 5)));

    await(Migrations.run(store.mongo()));

    DeviceStore devices = DeviceStore.create(stack.app().vertx(), stack.app().config());
    JsonObject shown = await(devices.find(deviceId)).orElseThrow().lastFix();
    assertThat(shown.getString("fixTime")).isEqualTo(at.toString());
    assertThat(shown.getDouble("battery")).isEqualTo(64.0);
    assertThat(await(store.mongo().findOne(Store.DEVICES, new JsonObject().put("_id", deviceId), null)).containsKey("lastFix")).isFalse();
    assertThat(await(store.mongo().findOne(Store.TRACKING, new JsonObject().put("_id", deviceId), null)).getLong("deviceNewestFixMs"))
        .isEqualTo(at.toEpochMilli());
  }

  /** Ids of the newest deliveries of route 1 with a start in 2031 or later, following {@code next} across pages of two. */
  private static List<String> newestOfRoute1(int atMost) {
    List<String> ids = new ArrayList<>();
    String after = null;
    do {
      DeliveryQueries.Page page = await(store.queries().deliveries(new DeliveryQueries.Filter(null, "1", 2, after))).orElseThrow();
      page.items().forEach(d -> ids.add(((JsonObject) d).getString("deliveryId")));
      after = page.next();
    } while (after != null && ids.size() < atMost);
    return ids;
  }

  private static PositionWriter.Located located(String deliveryId, Route route, int seq, Instant timestamp) {
    Position position = new Position(deliveryId, route.id(), null, seq, route.points().get(seq),
        seq == route.points().size() - 1, timestamp);
    return new PositionWriter.Located(position, route);
  }

  private static PositionWriter.Located located(String deliveryId, Route route, int seq) {
    return located(deliveryId, route, seq, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(seq));
  }

  @Test
  void migrationsAndSeedingRunTwiceLeaveTheSameIndexesAndRoutes() throws Exception {
    JsonArray indexesBefore = await(store.mongo().listIndexes(Store.POSITIONS));
    List<JsonObject> routesBefore = await(store.mongo().find(Store.ROUTES, new JsonObject()));

    await(Migrations.run(store.mongo()));
    int added = await(RouteStore.seed(store.mongo(), io.codedelivery.simulation.RouteFiles.load(stack.app().config().routesDir())));

    assertThat(added).isZero();
    assertThat(await(store.mongo().listIndexes(Store.POSITIONS))).isEqualTo(indexesBefore);
    assertThat(indexesBefore.stream().map(i -> ((JsonObject) i).getString("name"))).contains("deliveryId_seq").doesNotContain("deliveryId_seq_unique");
    assertThat(await(store.mongo().find(Store.ROUTES, new JsonObject()))).isEqualTo(routesBefore).hasSize(3);
    assertThat(await(store.mongo().count(Store.MIGRATIONS, new JsonObject()))).isEqualTo(5);
    assertThat(await(store.mongo().listIndexes(Store.EVENT_STATES)).stream().map(i -> ((JsonObject) i).getString("name")))
        .contains("enRoute_partition");
  }

  private static String asTopicValue(JsonObject stored) {
    return new JsonObject()
        .put("deliveryId", stored.getString("deliveryId"))
        .put("routeId", stored.getString("routeId"))
        .put("seq", stored.getLong("seq"))
        .put("position", stored.getJsonObject("position"))
        .put("finished", stored.getBoolean("finished"))
        .put("timestamp", Store.isoDate(stored.getValue("timestamp")))
        .encode();
  }

  /** Waits until the persistence group has committed everything on the positions topic: all of it was written. */
  private static void awaitPersistenceCaughtUp() {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrapServers()))) {
      await().atMost(WAIT).until(() -> {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(ConsumerGroups.PERSISTENCE)
            .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        int partitions = stack.app().config().positionsPartitions();
        for (int p = 0; p < partitions; p++) {
          latest.put(new TopicPartition(Topics.NEW_POSITION, p), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
        return ends.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
            || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue().offset()));
      });
    }
  }
}
