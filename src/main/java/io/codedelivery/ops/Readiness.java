package io.codedelivery.ops;

import io.codedelivery.config.Role;
import io.codedelivery.kafka.ConsumerLag;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.kafka.admin.KafkaAdminClient;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Ready means: Kafka answers, MongoDB answers, every configured role is deployed, and none of this process's
 * consumers is stalled. Asked anew on every probe (the consumers' progress as last read, every few seconds).
 */
public final class Readiness {
  /** A dependency that does not answer within this is DOWN (503), rather than a check that timed out (500). */
  private static final long ANSWER_WITHIN_MS = 2_000;
  private static final long CHECK_TIMEOUT_MS = 3_000;

  private Readiness() {
  }

  public static HealthChecks checks(Vertx vertx, KafkaAdminClient kafka, MongoClient mongo, Set<Role> wanted, Supplier<Set<Role>> deployed,
                             ConsumerLag consumers) {
    return HealthChecks.create(vertx)
        .register("kafka", CHECK_TIMEOUT_MS, promise -> report(promise, kafka.describeCluster()
            .map(cluster -> new JsonObject().put("brokers", cluster.getNodes().size()))))
        .register("mongodb", CHECK_TIMEOUT_MS, promise -> report(promise, mongo.runCommand("ping", new JsonObject().put("ping", 1))
            .map(pong -> new JsonObject())))
        .register("verticles", promise -> {
          Set<Role> missing = EnumSet.noneOf(Role.class);
          missing.addAll(wanted);
          missing.removeAll(deployed.get());
          promise.complete(missing.isEmpty() ? Status.OK() : Status.KO(new JsonObject().put("notDeployed", missing.toString())));
        })
        // A consumer that cannot get past a record, or cannot store, leaves this instance unable to do its work.
        .register("consumers", promise -> {
          JsonObject stalled = new JsonObject();
          consumers.stalled().forEach((group, partitions) -> stalled.put(group, new JsonArray(partitions)));
          promise.complete(stalled.isEmpty() ? Status.OK() : Status.KO(new JsonObject().put("stalled", stalled)));
        });
  }

  private static void report(Promise<Status> promise, Future<JsonObject> check) {
    check.timeout(ANSWER_WITHIN_MS, TimeUnit.MILLISECONDS).onSuccess(data -> promise.tryComplete(Status.OK(data)))
        .onFailure(e -> promise.tryComplete(Status.KO(new JsonObject().put("error", String.valueOf(e.getMessage())))));
  }
}
