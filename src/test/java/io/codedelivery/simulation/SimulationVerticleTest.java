package io.codedelivery.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.config.Setting;
import io.codedelivery.kafka.KafkaClients;
import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.Direction;
import io.codedelivery.model.Position;
import io.codedelivery.model.Route;
import io.codedelivery.model.Topics;
import io.codedelivery.support.EmbeddedBroker;
import io.codedelivery.support.VerticleContexts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The simulation alone against a real broker: directions in, its vehicles' fixes out on device.positions, each naming
 * its delivery and route point (the position the tracking stage makes of it). One deployment for the class, in a
 * Vert.x given to {@code @BeforeAll}: a second one would first wait for the (absent) tracking and persistence groups
 * to handle the fixes the first produced, as a take-over does. One partition per topic, so "nothing produced for a delivery
 * before another one's last position" is a fact of the log, not of timing.
 */
@ExtendWith(VertxExtension.class)
class SimulationVerticleTest {
  private static final Route ROUTE = VerticleContexts.SHORT_ROUTE;
  /** What the store says of each delivery; a delivery not in it has nothing stored. */
  private static final Map<String, ResumePoints.ResumePoint> STORED = new ConcurrentHashMap<>();
  private static EmbeddedBroker broker;
  private static KafkaProducer<String, String> producer;

  /**
   * Directions on the topic before the simulation takes its partition, as a crashed or departed owner leaves them:
   * one whose delivery the store knows finished, one it knows half-way, one with nothing stored.
   */
  private static final String TAKEN_OVER_FINISHED = UUID.randomUUID().toString();
  private static final String TAKEN_OVER_HALF_WAY = UUID.randomUUID().toString();
  private static final String TAKEN_OVER_UNSTORED = UUID.randomUUID().toString();

  @BeforeAll
  static void deploySimulation(Vertx vertx, VertxTestContext testContext) throws Exception {
    broker = EmbeddedBroker.start(1, 1);
    producer = KafkaProducer.create(vertx, KafkaClients.producer(broker.connection()));
    STORED.put(TAKEN_OVER_FINISHED, new ResumePoints.ResumePoint(ROUTE.points().size() - 1, true));
    STORED.put(TAKEN_OVER_HALF_WAY, new ResumePoints.ResumePoint(1, false));
    ResumePoints resumePoints = deliveryId -> Future.succeededFuture(Optional.ofNullable(STORED.get(deliveryId)));
    SimulationVerticle simulation = new SimulationVerticle(VerticleContexts.create(vertx, Map.of(
        Setting.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers(), Setting.SIMULATION_INTERVAL_MS, "10")), resumePoints);
    produceDirection(testContext, TAKEN_OVER_FINISHED, null)
        .compose(sent -> produceDirection(testContext, TAKEN_OVER_HALF_WAY, null))
        .compose(sent -> produceDirection(testContext, TAKEN_OVER_UNSTORED, null))
        .compose(sent -> vertx.deployVerticle(simulation))
        .onComplete(testContext.succeedingThenComplete());
  }

  @AfterAll
  static void stopBroker(Vertx vertx) throws Exception {
    // The verticle first, while the broker can still take its last commit.
    vertx.close().await();
    broker.close();
  }

  @Test
  void aDirectionIsDrivenThroughEveryPointOfItsRouteInOrderAndOnlyTheLastIsFinished(Vertx vertx, VertxTestContext testContext) {
    String deliveryId = UUID.randomUUID().toString();
    List<Position> driven = new ArrayList<>();
    readPositions(vertx, testContext, position -> {
      if (position.deliveryId().equals(deliveryId)) {
        driven.add(position);
      }
      if (position.deliveryId().equals(deliveryId) && position.finished()) {
        testContext.verify(() -> {
          assertThat(driven).extracting(Position::seq).containsExactly(0L, 1L, 2L, 3L);
          assertThat(driven).extracting(Position::position).containsExactlyElementsOf(ROUTE.points());
          assertThat(driven).extracting(Position::finished).containsExactly(false, false, false, true);
          assertThat(driven).allSatisfy(p -> {
            assertThat(p.routeId()).isEqualTo(ROUTE.id());
            assertThat(p.clientId()).isEqualTo("client-1");
          });
          testContext.completeNow();
        });
      }
    });
    produceDirection(testContext, deliveryId, "client-1");
  }

  @Test
  void aDeliveryTheStoreKnowsFinishedIsNotDrivenAgainAndOneHalfWayGoesOnAfterItsLastStoredPoint(Vertx vertx,
      VertxTestContext testContext) {
    Map<String, List<Long>> seqs = new ConcurrentHashMap<>();
    readPositions(vertx, testContext, position -> {
      seqs.computeIfAbsent(position.deliveryId(), id -> new ArrayList<>()).add(position.seq());
      // Read after the other two from the one partition of directions, and driven no faster than they would be.
      if (position.deliveryId().equals(TAKEN_OVER_UNSTORED) && position.finished()) {
        testContext.verify(() -> {
          assertThat(seqs).doesNotContainKey(TAKEN_OVER_FINISHED);
          assertThat(seqs.get(TAKEN_OVER_HALF_WAY)).containsExactly(2L, 3L);
          assertThat(seqs.get(TAKEN_OVER_UNSTORED))
              .containsExactlyElementsOf(IntStream.range(0, ROUTE.points().size()).mapToObj(i -> (long) i).toList());
          testContext.completeNow();
        });
      }
    });
  }

  private static Future<?> produceDirection(VertxTestContext testContext, String deliveryId, String clientId) {
    Direction direction = new Direction(deliveryId, ROUTE.id(), clientId, Instant.now());
    return producer.send(KafkaProducerRecord.create(Topics.NEW_DIRECTION, deliveryId, direction.toJson().encode()))
        .onFailure(testContext::failNow);
  }

  /**
   * The position of every fix on device.positions from its start, by assignment (no consumer group to join); each
   * fix a simulated vehicle's, keyed by its device id.
   */
  private static void readPositions(Vertx vertx, VertxTestContext testContext, io.vertx.core.Handler<Position> handler) {
    KafkaConsumer<String, String> fixes = KafkaConsumer.create(vertx,
        KafkaClients.consumer(broker.connection(), "test-" + UUID.randomUUID(), "earliest"));
    fixes.handler(record -> {
      DeviceFix fix = DeviceFix.fromJson(record.value());
      testContext.verify(() -> {
        assertThat(fix.source()).isEqualTo(DeviceFix.SIMULATION);
        assertThat(record.key()).isEqualTo(fix.deviceId()).isEqualTo(DeviceFix.Simulated.deviceIdOf(fix.simulated().deliveryId()));
      });
      handler.handle(fix.simulatedPosition());
    });
    fixes.assign(new TopicPartition(Topics.DEVICE_POSITIONS, 0)).onFailure(testContext::failNow);
  }
}
