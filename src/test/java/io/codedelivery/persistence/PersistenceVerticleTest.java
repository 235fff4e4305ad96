package io.codedelivery.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.config.Setting;
import io.codedelivery.kafka.GroupCatchUp;
import io.codedelivery.kafka.KafkaClients;
import io.codedelivery.model.ConsumerGroups;
import io.codedelivery.model.Position;
import io.codedelivery.model.Route;
import io.codedelivery.model.Topics;
import io.codedelivery.ops.AppContext;
import io.codedelivery.support.EmbeddedBroker;
import io.codedelivery.support.EmbeddedStore;
import io.codedelivery.support.VerticleContexts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The persistence role alone, between a real broker and the embedded store: positions in, documents out. */
@ExtendWith(VertxExtension.class)
class PersistenceVerticleTest {
  private static final Route ROUTE = VerticleContexts.SHORT_ROUTE;
  private static EmbeddedBroker broker;
  private static EmbeddedStore store;
  private AppContext context;
  private MongoClient mongo;

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
  void deployPersistence(Vertx vertx, VertxTestContext testContext) {
    Map<Setting, String> settings = new EnumMap<>(store.settings());
    settings.put(Setting.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
    context = VerticleContexts.create(vertx, settings);
    mongo = Store.client(vertx, context.config(), Store.Pool.READS);
    // The store's collections and indexes are the application's to prepare before any role starts.
    Migrations.run(mongo)
        .compose(migrated -> vertx.deployVerticle(new PersistenceVerticle(context)))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void everyPositionIsStoredOnceWithItsDeliveryAndUnusableRecordsAreDeadLetteredWithoutHoldingThemUp(Vertx vertx) {
    String deliveryId = UUID.randomUUID().toString();
    List<Position> positions = IntStream.range(0, ROUTE.points().size())
        .mapToObj(seq -> new Position(deliveryId, ROUTE.id(), "client-3", seq, ROUTE.points().get(seq),
            seq == ROUTE.points().size() - 1, Instant.now().truncatedTo(ChronoUnit.MILLIS)))
        .toList();
    Position beyondTheRoute = new Position(deliveryId, ROUTE.id(), null, ROUTE.points().size(), ROUTE.end(), false, Instant.now());
    KafkaProducer<String, String> producer = KafkaProducer.create(vertx, KafkaClients.producer(broker.connection()));
    send(producer, deliveryId, "not json")
        .compose(sent -> send(producer, deliveryId, beyondTheRoute.toJson().encode()))
        .compose(sent -> Future.all(positions.stream().map(p -> send(producer, deliveryId, p.toJson().encode())).toList()))
        // and the same positions again, as after a crash before the commit
        .compose(sent -> Future.all(positions.stream().map(p -> send(producer, deliveryId, p.toJson().encode())).toList()))
        .await();

    // Committed up to the end of the topic: every record above has been stored or dead-lettered.
    new GroupCatchUp(vertx, KafkaAdminClient.create(vertx, KafkaClients.admin(broker.connection())))
        .await(ConsumerGroups.PERSISTENCE, Topics.NEW_POSITION, 30_000).await();

    JsonObject delivery = stored(deliveryId);
    assertThat(delivery.getLong("lastSeq")).isEqualTo(ROUTE.points().size() - 1);
    assertThat(delivery.getString("clientId")).isEqualTo("client-3");
    List<JsonObject> track = mongo.findWithOptions(Store.POSITIONS, new JsonObject().put("deliveryId", deliveryId),
        new FindOptions().setSort(new JsonObject().put("seq", 1))).await();
    assertThat(track).extracting(p -> p.getLong("seq")).containsExactly(0L, 1L, 2L, 3L);
    assertThat(track).extracting(p -> p.getJsonObject("position")).containsExactlyElementsOf(
        ROUTE.points().stream().map(point -> point.toJson()).toList());
    assertThat(Store.instant(delivery.getValue("finishedAt"))).isEqualTo(positions.get(positions.size() - 1).timestamp());
    assertThat(deadLettered()).isEqualTo(2);
  }

  private static Future<?> send(KafkaProducer<String, String> producer, String key, String value) {
    return producer.send(KafkaProducerRecord.create(Topics.NEW_POSITION, key, value));
  }

  private JsonObject stored(String deliveryId) {
    return mongo.findOne(Store.DELIVERIES, new JsonObject().put("_id", deliveryId), null).await();
  }

  private double deadLettered() {
    var counter = context.metrics().registry().find("codedelivery.dead.letters").tag("topic", Topics.NEW_POSITION).counter();
    return counter == null ? 0 : counter.count();
  }
}
