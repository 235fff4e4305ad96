package io.codedelivery.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.kafka.KafkaClients;
import io.codedelivery.model.ConsumerGroups;
import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.LatLon;
import io.codedelivery.model.Position;
import io.codedelivery.model.Topics;
import io.codedelivery.ops.AppContext;
import io.codedelivery.persistence.DeviceDeliveries;
import io.codedelivery.persistence.DeviceStore;
import io.codedelivery.persistence.Migrations;
import io.codedelivery.persistence.Store;
import io.codedelivery.support.EmbeddedBroker;
import io.codedelivery.support.EmbeddedStore;
import io.codedelivery.support.VerticleContexts;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tracking role alone, between a real broker and the embedded store: devices' fixes in on device.positions,
 * positions of their deliveries out on route.new-position, the delivery ended when the vehicle arrived.
 */
@ExtendWith(VertxExtension.class)
class TrackingVerticleTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final LatLon DESTINATION = new LatLon(-15.80, -47.90);
  /** 1,000 m south of the destination (a degree of latitude is about 111.2 km). */
  private static final LatLon START = new LatLon(-15.80 - 1_000 / 111_195.0, -47.90);
  private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
  private static EmbeddedBroker broker;
  private static EmbeddedStore store;
  private Vertx vertx;
  private AppContext context;
  private MongoClient mongo;
  private KafkaProducer<String, String> producer;
  private KafkaConsumer<String, String> positionsReader;
  private final List<ConsumerRecord<String, String>> produced = new CopyOnWriteArrayList<>();
  private String deploymentId;
  private final String deviceId = "phone-" + UUID.randomUUID();
  private final String deliveryId = UUID.randomUUID().toString();

  @BeforeAll
  static void startInfrastructure() throws Exception {
    broker = EmbeddedBroker.start(2, 1);
    store = EmbeddedStore.start();
  }

  @AfterAll
  static void stopInfrastructure() {
    broker.close();
    store.close();
  }

  @BeforeEach
  void deployTracking(Vertx vertx) {
    this.vertx = vertx;
    Map<Setting, String> settings = new EnumMap<>(store.settings());
    settings.put(Setting.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
    settings.put(Setting.ARRIVAL_RADIUS_METRES, "50");
    settings.put(Setting.ARRIVAL_DWELL_SECONDS, "30");
    context = VerticleContexts.create(vertx, settings);
    mongo = Store.client(vertx, context.config(), Store.Pool.READS);
    producer = KafkaProducer.create(vertx, KafkaClients.producer(broker.connection()));
    positionsReader = new KafkaConsumer<>(new HashMap<String, Object>(
        KafkaClients.consumer(broker.connection(), "test-" + UUID.randomUUID(), "earliest")));
    positionsReader.subscribe(List.of(Topics.NEW_POSITION));
    Migrations.run(mongo).await();
    mongo.insert(Store.DEVICES, new JsonObject().put("_id", deviceId).put("name", "Test phone")).await();
    new DeviceDeliveries(mongo).assign(new DeviceDeliveries.NewDelivery(
        new DeviceDeliveries.Assignment(deviceId, deliveryId, DESTINATION, null), null, "order-7", "Ana", null), T0).await();
    deploy(vertx);
  }

  @AfterEach
  void closeReader() {
    positionsReader.close();
  }

  private void deploy(Vertx vertx) {
    deploymentId = vertx.deployVerticle(new TrackingVerticle(context)).await();
  }

  @Test
  void eachFixBecomesAPositionWithSeqItsFixTimeAndTheServersEstimateAndAResentFixIsNotProducedAgain() {
    // A record nobody can read is dead-lettered and holds nothing up.
    producer.send(KafkaProducerRecord.create(Topics.DEVICE_POSITIONS, deviceId, "{\"deviceId\":\"" + deviceId + "\"}")).await();
    send(fix(0, START, 10.0));
    send(fix(10, north(START, 100), 10.0));
    List<JsonObject> first = positions(2);

    JsonObject atStart = first.get(0);
    assertThat(atStart.getLong("seq")).isEqualTo(T0.toEpochMilli());
    assertThat(atStart.getString("deviceId")).isEqualTo(deviceId);
    assertThat(atStart.getString("fixTime")).isEqualTo(T0.toString());
    assertThat(atStart.getDouble("battery")).isEqualTo(80.0);
    assertThat(atStart.getDouble("distanceRemainingMetres")).isCloseTo(1_000, within(2.0));
    assertThat(atStart.getDouble("progress")).isCloseTo(0, within(0.01));
    JsonObject moved = first.get(1);
    assertThat(moved.getLong("seq")).isEqualTo(T0.plusSeconds(10).toEpochMilli());
    assertThat(moved.getDouble("distanceRemainingMetres")).isCloseTo(900, within(2.0));
    assertThat(moved.getDouble("progress")).isCloseTo(0.1, within(0.01));
    // 900 m at the reported 10 m/s: 90 s after the fix.
    assertThat(Instant.parse(moved.getString("eta"))).isCloseTo(T0.plusSeconds(100), within(2, java.time.temporal.ChronoUnit.SECONDS));

    // The phone got no answer and sends the same fix again (received later): that position exists already.
    send(new DeviceFix(deviceId, T0.plusSeconds(10), T0.plusSeconds(40), north(START, 100), 10.0, null, null, 5.0, 80.0, "osmand", null));
    send(fix(20, north(START, 200), 10.0));
    assertThat(seqs(positions(3))).containsExactly(T0.toEpochMilli(), T0.plusSeconds(10).toEpochMilli(),
        T0.plusSeconds(20).toEpochMilli());
    assertThat(positions(3).subList(0, 2)).isEqualTo(first);
    assertThat(context.metrics().registry().find("codedelivery.dead.letters").tag("topic", Topics.DEVICE_POSITIONS)
        .counter().count()).isEqualTo(1);
  }

  @Test
  void aSimulatedVehiclesFixesBecomeItsRoutePointsPositionsAsTheyAreBesideADevicesAndNoDeviceIsRecordedForIt() {
    String simulatedDelivery = UUID.randomUUID().toString();
    List<DeviceFix> drive = simulatedDrive(simulatedDelivery, 3);
    persistenceCommittedEverything();
    send(drive.get(0));
    send(fix(0, START, 10.0));
    send(drive.get(1));
    send(drive.get(2));

    // The positions the simulation used to produce itself: seq its route point, stamped when produced, the last finished.
    assertThat(positionsOf(simulatedDelivery, 3)).extracting(json -> Position.fromJson(json.encode()))
        .containsExactlyElementsOf(drive.stream().map(DeviceFix::simulatedPosition).toList());
    assertThat(positions(1).get(0).getDouble("distanceRemainingMetres")).isCloseTo(1_000, within(2.0));
    // Once the real device's state is saved, the simulated vehicle has none: the device list shows real devices only.
    await().atMost(WAIT).until(this::lastFixTime, T0.toString()::equals);
    assertThat(DeviceStore.create(vertx, context.config()).find(DeviceFix.Simulated.deviceIdOf(simulatedDelivery)).await()).isEmpty();
    assertThat(tracked("simulated")).isEqualTo(3);
  }

  @Test
  void simulatedFixesReadAgainAfterATakeOverAreNotPassedOnTwice(Vertx vertx) {
    String simulatedDelivery = UUID.randomUUID().toString();
    List<DeviceFix> drive = simulatedDrive(simulatedDelivery, 5);
    persistenceCommittedEverything();
    Map<TopicPartition, OffsetAndMetadata> beforeTheDrive = endsOf(Topics.DEVICE_POSITIONS);
    drive.subList(0, 3).forEach(this::send);
    positionsOf(simulatedDelivery, 3);

    // The instance goes before it committed these fixes, as a killed one does: the next reads them again. The store
    // holds what was passed on (the persistence group has committed it all), so only the points beyond it go on.
    vertx.undeploy(deploymentId).await();
    commit(ConsumerGroups.TRACKING, beforeTheDrive);
    mongo.save(Store.DELIVERIES, new JsonObject().put("_id", simulatedDelivery).put("routeId", "1").put("lastSeq", 2)).await();
    persistenceCommittedEverything();
    deploy(vertx);
    drive.subList(3, 5).forEach(this::send);

    await().atMost(WAIT).until(() -> tracked("repeated") >= 3 && positionsOf(simulatedDelivery, 5).size() == 5);
    assertThat(seqs(positionsOf(simulatedDelivery, 5))).containsExactly(0L, 1L, 2L, 3L, 4L);
  }

  @Test
  void aLateFixIsProducedInItsPlaceButMovesNothingAndTheDevicesLastFixStaysTheNewest() {
    send(fix(0, START, 10.0));
    send(fix(20, north(START, 200), 10.0));
    // Buffered by the phone: between the two, reporting a speed that would change the ETA if it counted.
    send(fix(10, north(START, 100), 100.0));
    send(fix(30, north(START, 300), 10.0));
    List<JsonObject> all = positions(4);

    JsonObject late = all.get(2);
    assertThat(late.getLong("seq")).isEqualTo(T0.plusSeconds(10).toEpochMilli());
    assertThat(late.containsKey("progress")).as("a late fix carries no estimate").isFalse();
    assertThat(late.containsKey("eta")).isFalse();
    JsonObject newest = all.get(3);
    // Speeds 10, 10, 10 (the late 100 m/s left out): 700 m left, 70 s after the fix.
    assertThat(newest.getDouble("distanceRemainingMetres")).isCloseTo(700, within(2.0));
    assertThat(Instant.parse(newest.getString("eta"))).isCloseTo(T0.plusSeconds(100), within(2, java.time.temporal.ChronoUnit.SECONDS));
    await().atMost(WAIT).until(() -> T0.plusSeconds(30).toString().equals(lastFixTime()));
  }

  @Test
  void aVehicleThatStaysNearTheDestinationForTheDwellArrivesAndTheDeliveryEndsDelivered() {
    send(fix(0, START, 10.0));
    send(fix(100, north(DESTINATION, -20), 1.0));
    send(fix(110, north(DESTINATION, 60), 1.0)); // stepped out of the radius: the dwell starts again
    send(fix(120, north(DESTINATION, -10), 0.0));
    send(fix(140, north(DESTINATION, -5), 0.0)); // 20 s within: not yet
    List<JsonObject> road = positions(5);
    assertThat(road).noneMatch(p -> p.getBoolean("finished"));

    send(fix(150, north(DESTINATION, -5), 0.0)); // 30 s within since 120 s: arrived
    JsonObject arrival = positions(6).get(5);
    assertThat(arrival.getBoolean("finished")).isTrue();
    assertThat(arrival.getLong("seq")).isEqualTo(T0.plusSeconds(150).toEpochMilli());
    assertThat(arrival.getDouble("progress")).isEqualTo(1.0);
    await().atMost(WAIT).until(() -> "delivered".equals(storedDelivery().getString("status")));

    // The delivery is over: further fixes of the device belong to none and produce nothing.
    send(fix(160, north(DESTINATION, -5), 0.0));
    await().atMost(WAIT).until(() -> T0.plusSeconds(160).toString().equals(lastFixTime()));
    assertThat(positions(6)).hasSize(6);
  }

  @Test
  void aRestartMidDeliveryResumesWithTheDwellAndTheFixesItHadProduced(Vertx vertx) {
    send(fix(0, START, 10.0));
    send(fix(100, north(DESTINATION, -20), 1.0)); // the dwell starts here
    positions(2);

    vertx.undeploy(deploymentId).await();
    deploy(vertx);

    // The newest fix sent again after the restart: known to be produced already.
    send(new DeviceFix(deviceId, T0.plusSeconds(100), T0.plusSeconds(500), north(DESTINATION, -20), 1.0, null, null, 5.0, 80.0, "osmand", null));
    // 30 s within the radius, counted across the restart: arrived.
    send(fix(130, north(DESTINATION, -10), 0.0));
    List<JsonObject> all = positions(3);
    assertThat(seqs(all)).containsExactly(T0.toEpochMilli(), T0.plusSeconds(100).toEpochMilli(), T0.plusSeconds(130).toEpochMilli());
    assertThat(all.get(2).getBoolean("finished")).isTrue();
    await().atMost(WAIT).until(() -> "delivered".equals(storedDelivery().getString("status")));
  }

  /** A simulated vehicle's fixes along {@code points} points, a second apart, the last one finishing. */
  private static List<DeviceFix> simulatedDrive(String delivery, int points) {
    return IntStream.range(0, points).mapToObj(seq -> DeviceFix.ofSimulatedVehicle(
        new DeviceFix.Simulated(delivery, "1", "client-9", seq, seq == points - 1), north(START, seq * 10.0),
        T0.plusSeconds(seq))).toList();
  }

  private double tracked(String outcome) {
    var counter = context.metrics().registry().find("codedelivery.fixes.tracked").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  /**
   * The persistence group has committed every position on the topic: the store holds them all. No persistence runs
   * here, and a tracking stage meeting a simulated delivery first waits for that (up to 15 s).
   */
  private static void persistenceCommittedEverything() {
    commit(ConsumerGroups.PERSISTENCE, endsOf(Topics.NEW_POSITION));
  }

  private static Map<TopicPartition, OffsetAndMetadata> endsOf(String topic) {
    try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(new HashMap<String, Object>(
        KafkaClients.consumer(broker.connection(), "test-" + UUID.randomUUID(), "earliest")))) {
      List<TopicPartition> partitions = reader.partitionsFor(topic).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
      reader.endOffsets(partitions).forEach((partition, end) -> ends.put(partition, new OffsetAndMetadata(end)));
      return ends;
    }
  }

  private static void commit(String group, Map<TopicPartition, OffsetAndMetadata> offsets) {
    try (KafkaConsumer<String, String> member = new KafkaConsumer<>(new HashMap<String, Object>(
        KafkaClients.consumer(broker.connection(), group, "earliest")))) {
      member.assign(offsets.keySet());
      member.commitSync(offsets);
    }
  }

  private static List<Long> seqs(List<JsonObject> positions) {
    return positions.stream().map(p -> p.getLong("seq")).toList();
  }

  private static LatLon north(LatLon from, double metres) {
    return new LatLon(from.lat() + metres / 111_195.0, from.lon());
  }

  private DeviceFix fix(long secondsAfterT0, LatLon where, Double speed) {
    Instant at = T0.plusSeconds(secondsAfterT0);
    return new DeviceFix(deviceId, at, at.plusMillis(300), where, speed, null, null, 5.0, 80.0, "osmand", null);
  }

  private void send(DeviceFix fix) {
    producer.send(KafkaProducerRecord.create(Topics.DEVICE_POSITIONS, fix.deviceId(), fix.toJson().encode())).await();
  }

  /** Every position produced for the device's delivery so far, once there are at least this many, in topic order. */
  private List<JsonObject> positions(int atLeast) {
    return positionsOf(deliveryId, atLeast);
  }

  private List<JsonObject> positionsOf(String delivery, int atLeast) {
    await().atMost(WAIT).until(() -> {
      positionsReader.poll(Duration.ofMillis(100)).forEach(produced::add);
      return produced.stream().filter(r -> delivery.equals(r.key())).count() >= atLeast;
    });
    return produced.stream().filter(r -> delivery.equals(r.key())).map(r -> new JsonObject(r.value())).toList();
  }

  private JsonObject storedDelivery() {
    return mongo.findOne(Store.DELIVERIES, new JsonObject().put("_id", deliveryId), null).await();
  }

  /** The device's last fix time as the device list shows it. */
  private String lastFixTime() {
    JsonObject lastFix = DeviceStore.create(vertx, context.config()).find(deviceId).await().orElseThrow().lastFix();
    return lastFix == null ? null : lastFix.getString("fixTime");
  }
}
