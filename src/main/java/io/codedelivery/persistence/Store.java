package io.codedelivery.persistence;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.time.Instant;

/** Collection names and the shared client; documents keep dates as BSON dates through the {@code $date} form. */
public final class Store {
  public static final String ROUTES = "routes";
  public static final String DELIVERIES = "deliveries";
  public static final String POSITIONS = "positions";
  public static final String MIGRATIONS = "migrations";
  private static final String CLIENT_NAME = "code-delivery";

  private Store() {
  }

  /** One connection pool per process, shared by every verticle that asks. */
  public static MongoClient client(Vertx vertx, String connectionString, String database) {
    return MongoClient.createShared(vertx, new JsonObject()
        .put("connection_string", connectionString)
        .put("db_name", database)
        .put("serverSelectionTimeoutMS", 5_000)
        .put("connectTimeoutMS", 5_000), CLIENT_NAME);
  }

  static JsonObject date(Instant instant) {
    return new JsonObject().put("$date", instant.toString());
  }

  /** A stored date back as ISO-8601 text, the form the API and the topics use. */
  static String isoDate(Object stored) {
    if (stored instanceof JsonObject date && date.containsKey("$date")) {
      Object value = date.getValue("$date");
      return value instanceof Number millis ? Instant.ofEpochMilli(millis.longValue()).toString() : Instant.parse(value.toString()).toString();
    }
    return stored == null ? null : stored.toString();
  }
}
