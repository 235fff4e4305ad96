package io.codedelivery.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.config.Setting;
import io.codedelivery.kafka.KafkaClients;
import io.codedelivery.model.Addresses;
import io.codedelivery.model.Direction;
import io.codedelivery.model.Position;
import io.codedelivery.model.StartFailure;
import io.codedelivery.model.Topics;
import io.codedelivery.ops.AppContext;
import io.codedelivery.support.EmbeddedBroker;
import io.codedelivery.support.VerticleContexts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bridge alone, in a Vert.x of its own per test, against a real broker: positions from Kafka reach the event
 * bus, start requests from the event bus reach Kafka.
 */
@ExtendWith(VertxExtension.class)
class BridgeVerticleTest {
  private static EmbeddedBroker broker;
  private AppContext context;
  private DeliveryAdmission admission;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = EmbeddedBroker.start(2, 1);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  /** Deployed means its partitions are assigned: from then on every position produced reaches it. */
  @BeforeEach
  void deployBridge(Vertx vertx, VertxTestContext testContext) {
    context = VerticleContexts.create(vertx, Map.of(Setting.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers()));
    admission = VerticleContexts.admission(context);
    vertx.deployVerticle(new BridgeVerticle(context, admission)).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void positionsReachTheBrowsersInOrderEachBeforeItsStartedOrFinishedUpdate(Vertx vertx, VertxTestContext testContext) {
    String deliveryId = UUID.randomUUID().toString();
    List<Position> positions = List.of(position(deliveryId, 0, false), position(deliveryId, 1, true));
    // Heard on one event loop, as a web verticle hears both: what it hears first, its browsers get first.
    Context loop = vertx.getOrCreateContext();
    List<String> heard = new CopyOnWriteArrayList<>();
    Checkpoint all = testContext.checkpoint(4);
    Runnable stop = LivePositions.of(vertx).listen(loop, batch -> batch.forEach(live -> {
      if (live.deliveryId().equals(deliveryId)) {
        JsonObject position = live.json().toJsonObject();
        testContext.verify(() -> {
          assertThat(live.address()).isEqualTo(Addresses.delivery(deliveryId));
          assertThat(position).isEqualTo(positions.get(position.getInteger("seq")).toJson());
        });
        heard.add("position:" + position.getLong("seq"));
        all.flag();
      }
    }));
    Promise<Void> listening = Promise.promise();
    loop.runOnContext(v -> vertx.eventBus().<JsonObject>consumer(Addresses.DELIVERY_UPDATES, message -> {
      if (deliveryId.equals(message.body().getString("deliveryId"))) {
        testContext.verify(() -> assertThat(message.body().getString("routeId")).isEqualTo(VerticleContexts.TWO_POINT_ROUTE.id()));
        heard.add(message.body().getString("type") + ":" + message.body().getLong("seq"));
        if (heard.size() == 4) {
          testContext.verify(() -> {
            assertThat(heard).containsSubsequence("position:0", "position:1").containsSubsequence("position:0", "started:0")
                .containsSubsequence("position:1", "finished:1").containsSubsequence("started:0", "finished:1");
            stop.run();
          });
        }
        all.flag();
      }
    }).completion().onComplete(listening));

    KafkaProducer<String, String> producer = KafkaProducer.create(vertx, KafkaClients.producer(broker.connection()));
    listening.future()
        .compose(registered -> Future.all(positions.stream().map(position -> producer.send(
            KafkaProducerRecord.create(Topics.NEW_POSITION, deliveryId, position.toJson().encode()))).toList()))
        .onComplete(testContext.succeeding(sent -> { }));
  }

  @Test
  void aStartRequestQueuesADirectionOnKafkaAndRepliesWithItsDeliveryId(Vertx vertx, VertxTestContext testContext) {
    Checkpoint queued = testContext.checkpoint();
    vertx.eventBus().<JsonObject>request(Addresses.START_DELIVERY, new JsonObject().put("routeId", "short").put("clientId", "client-7"))
        .onComplete(testContext.succeeding(reply -> {
          String deliveryId = reply.body().getString("deliveryId");
          testContext.verify(() -> assertThat(UUID.fromString(deliveryId).toString()).isEqualTo(deliveryId));
          KafkaConsumer<String, String> directions = KafkaConsumer.create(vertx,
              KafkaClients.consumer(broker.connection(), "test-" + UUID.randomUUID(), "earliest"));
          directions.handler(record -> {
            if (deliveryId.equals(record.key())) {
              testContext.verify(() -> {
                Direction direction = Direction.fromJson(record.value());
                assertThat(direction.deliveryId()).isEqualTo(deliveryId);
                assertThat(direction.routeId()).isEqualTo("short");
                assertThat(direction.clientId()).isEqualTo("client-7");
                assertThat(admission.admitted()).isEqualTo(1);
                queued.flag();
              });
            }
          });
          directions.subscribe(Topics.NEW_DIRECTION).onComplete(testContext.succeeding(subscribed -> { }));
        }));
  }

  @Test
  void aStartRequestForAnUnknownRouteFailsWithTheUnknownRouteCodeAndTakesNoPlace(Vertx vertx, VertxTestContext testContext) {
    vertx.eventBus().request(Addresses.START_DELIVERY, new JsonObject().put("routeId", "nowhere"))
        .onComplete(testContext.failing(failure -> testContext.verify(() -> {
          assertThat(failure).isInstanceOf(ReplyException.class);
          assertThat(((ReplyException) failure).failureCode()).isEqualTo(StartFailure.UNKNOWN_ROUTE.code());
          assertThat(failure.getMessage()).contains("unknown route 'nowhere'").contains("short");
          assertThat(admission.admitted()).isZero();
          testContext.completeNow();
        })));
  }

  @Test
  void aStartRequestWithoutARouteIdFailsWithTheBadRequestCode(Vertx vertx, VertxTestContext testContext) {
    vertx.eventBus().request(Addresses.START_DELIVERY, new JsonObject().put("routeId", 1))
        .onComplete(testContext.failing(failure -> testContext.verify(() -> {
          assertThat(((ReplyException) failure).failureCode()).isEqualTo(StartFailure.BAD_REQUEST.code());
          testContext.completeNow();
        })));
  }

  private static Position position(String deliveryId, long seq, boolean finished) {
    return new Position(deliveryId, VerticleContexts.TWO_POINT_ROUTE.id(), null, seq,
        VerticleContexts.TWO_POINT_ROUTE.points().get((int) seq), finished, Instant.now());
  }
}
