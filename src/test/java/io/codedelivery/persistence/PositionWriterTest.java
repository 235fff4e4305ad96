package io.codedelivery.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.config.AppConfig;
import io.codedelivery.model.Position;
import io.codedelivery.model.Route;
import io.codedelivery.support.EmbeddedStore;
import io.codedelivery.support.VerticleContexts;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the store says of a delivery after batches arrive late, twice or out of order: only facts that move forward
 * (the highest seq, the earliest start, the first finish). Through the real store, which applies the update
 * operators; the writes are awaited on the test thread, never on an event loop.
 */
@ExtendWith(VertxExtension.class)
class PositionWriterTest {
  private static final Route ROUTE = VerticleContexts.SHORT_ROUTE;
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static EmbeddedStore store;
  private MongoClient mongo;
  private PositionWriter writer;
  private final String deliveryId = UUID.randomUUID().toString();

  @BeforeAll
  static void startStore() throws Exception {
    store = EmbeddedStore.start();
  }

  @AfterAll
  static void stopStore() {
    store.close();
  }

  @BeforeEach
  void connect(Vertx vertx) {
    mongo = Store.client(vertx, AppConfig.load(Map.of()).with(store.settings()), Store.Pool.WRITES);
    Migrations.run(mongo).await();
    writer = new PositionWriter(mongo);
  }

  @Test
  void aLateBatchWithTheStartFillsInTheStartButDoesNotMoveTheLastSeqBack() {
    assertThat(write(at(1, 1), at(2, 2))).isEqualTo(2);
    JsonObject inTransit = stored();
    assertThat(inTransit.getLong("lastSeq")).isEqualTo(2);
    assertThat(inTransit.containsKey("startedAt")).isFalse();

    assertThat(write(at(0, 0))).isEqualTo(1);
    JsonObject delivery = stored();
    assertThat(delivery.getLong("lastSeq")).isEqualTo(2);
    assertThat(Store.instant(delivery.getValue("startedAt"))).isEqualTo(T0);
    assertThat(Store.instant(delivery.getValue("updatedAt"))).isEqualTo(T0.plusSeconds(2));
    assertThat(delivery.containsKey("finishedAt")).isFalse();
    assertThat(delivery.getString("routeId")).isEqualTo(ROUTE.id());
    assertThat(delivery.getInteger("pointCount")).isEqualTo(ROUTE.points().size());
    assertThat(positionsStored()).isEqualTo(3);
    assertThat(mongo.count(Store.DELIVERIES_NEWEST_FIRST, new JsonObject().put("deliveryId", deliveryId)).await()).isEqualTo(1);
  }

  @Test
  void aLastPositionProducedTwiceKeepsTheFirstFinishAndARedeliveredOneChangesNothing() {
    write(at(0, 0), at(1, 1), at(2, 2), at(3, 3));
    JsonObject finished = stored();
    assertThat(finished.getLong("lastSeq")).isEqualTo(3);
    assertThat(Store.instant(finished.getValue("finishedAt"))).isEqualTo(T0.plusSeconds(3));

    assertThat(write(at(3, 9), at(1, 1))).isZero();
    JsonObject after = stored();
    assertThat(after.getLong("lastSeq")).isEqualTo(3);
    assertThat(Store.instant(after.getValue("finishedAt"))).isEqualTo(T0.plusSeconds(3));
    assertThat(Store.instant(after.getValue("startedAt"))).isEqualTo(T0);
    assertThat(positionsStored()).isEqualTo(4);
  }

  @Test
  void aStartProducedTwiceKeepsTheEarliestStart() {
    write(at(0, 5));
    write(at(0, 0));
    write(at(0, 7));

    assertThat(Store.instant(stored().getValue("startedAt"))).isEqualTo(T0);
    assertThat(positionsStored()).isEqualTo(1);
  }

  @Test
  void aDevicesDeliveryKeepsTheFiguresOfItsNewestPositionWhateverOrderBatchesComeIn() {
    Position newest = fix(20, new Position.Estimate(800, 0.2, T0.plusSeconds(100)), false);
    Position late = fix(10, null, false);
    assertThat(writeDevice(newest)).isEqualTo(1);
    assertThat(writeDevice(late, fix(5, new Position.Estimate(950, 0.05, null), false))).isEqualTo(2);

    JsonObject delivery = stored();
    assertThat(delivery.getLong("lastSeq")).isEqualTo(T0.plusSeconds(20).toEpochMilli());
    JsonObject latest = delivery.getJsonObject("latest");
    assertThat(latest.getLong("seq")).isEqualTo(T0.plusSeconds(20).toEpochMilli());
    assertThat(latest.getDouble("progress")).isEqualTo(0.2);
    assertThat(latest.getString("eta")).isEqualTo(T0.plusSeconds(100).toString());
    assertThat(delivery.containsKey("startedAt")).as("entered when it was assigned, not by its positions").isFalse();

    // Ended from the API while the phone's clock ran ahead: the finishing position is not the highest seq.
    writeDevice(fix(30, null, false), fix(25, null, true));
    assertThat(Store.instant(stored().getValue("finishedAt"))).isEqualTo(T0.plusSeconds(25));
    assertThat(positionsStored()).isEqualTo(5);
  }

  private int writeDevice(Position... positions) {
    return writer.write(Arrays.stream(positions).map(PositionWriter.Located::ofDevice).toList()).await();
  }

  /** A device's position whose fix was taken (and received) {@code seconds} after T0. */
  private Position fix(int seconds, Position.Estimate estimate, boolean finished) {
    Instant at = T0.plusSeconds(seconds);
    return new Position(deliveryId, null, null, at.toEpochMilli(), ROUTE.start(), finished, at,
        new Position.Fix("phone-1", at, 5.0, null, null, 70.0), estimate);
  }

  private int write(Position... positions) {
    return writer.write(Arrays.stream(positions).map(p -> new PositionWriter.Located(p, ROUTE)).toList()).await();
  }

  private JsonObject stored() {
    return mongo.findOne(Store.DELIVERIES, new JsonObject().put("_id", deliveryId), null).await();
  }

  private long positionsStored() {
    return mongo.count(Store.POSITIONS, new JsonObject().put("deliveryId", deliveryId)).await();
  }

  /** Seq {@code seq} of this delivery, at {@code seconds} after T0; the last point of the route is finished. */
  private Position at(int seq, int seconds) {
    return new Position(deliveryId, ROUTE.id(), null, seq, ROUTE.points().get(seq), seq == ROUTE.points().size() - 1,
        T0.plus(seconds, ChronoUnit.SECONDS));
  }
}
