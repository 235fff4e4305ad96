package io.codedelivery.persistence;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoServerException;
import io.codedelivery.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Instant;
import java.util.List;

/** Collection names and the shared clients; documents keep dates as BSON dates through the {@code $date} form. */
public final class Store {
  public static final String ROUTES = "routes";
  public static final String DELIVERIES = "deliveries";
  /** One small entry per delivery, keyed so that {@code _id} order is newest first: see {@link #newestFirstKey}. */
  public static final String DELIVERIES_NEWEST_FIRST = "deliveries_newest_first";
  public static final String POSITIONS = "positions";
  public static final String MIGRATIONS = "migrations";
  /** Registered devices by unique id: {@link DeviceStore}. */
  public static final String DEVICES = "devices";
  /**
   * One document per device that has an active delivery, {@code _id} the device's unique id: what makes "one active
   * delivery per device" a unique key, and what the tracking stage looks up for each device's fixes.
   */
  public static final String DEVICE_ASSIGNMENTS = "device_assignments";
  /** The tracking stage's state per device ({@code _id} the device's unique id), saved before it commits. */
  public static final String TRACKING = "tracking";
  /**
   * Each delivery's events as {@code DeliveryEvent.toJson()} plus {@code _id} = the event id, which begins with the
   * delivery id: {@link EventTimeline}.
   */
  public static final String DELIVERY_EVENTS = "delivery_events";
  /**
   * The events stage's state per delivery ({@code _id} the delivery id), saved before it commits; an ended delivery's
   * stays (marked {@code ended}) so that its positions read again raise nothing: {@code io.codedelivery.events}.
   */
  public static final String EVENT_STATES = "event_states";
  /** Registered webhook endpoints, {@code _id} a random id: {@code io.codedelivery.webhooks.WebhookStore}. A few dozen at most. */
  public static final String WEBHOOKS = "webhooks";
  /**
   * One document per event queued for a webhook, {@code _id} = {@code webhookId:eventId} (queuing twice is one entry),
   * with its state, next attempt and last attempts; a webhook's deliveries are the {@code _id} prefix {@code webhookId:}.
   */
  public static final String WEBHOOK_DELIVERIES = "webhook_deliveries";
  /** Operator accounts, {@code _id} the user name: {@code io.codedelivery.access.AccountStore}. */
  public static final String USERS = "users";
  /** Signed-in sessions, {@code _id} the session id its token names; removing one signs it out everywhere. */
  public static final String SESSIONS = "sessions";
  /** Generated secrets every process shares (the token signing key), {@code _id} their name. */
  public static final String SECRETS = "secrets";
  /** Documents a {@link #replaceAll} writes per command. */
  static final int REPLACE_CHUNK = 100;
  private static final BulkWriteOptions UNORDERED = new BulkWriteOptions(false);
  /** Inverted start times count down from here (the year 2286), so they keep a fixed width of 13 digits. */
  private static final long LAST_MILLIS = 9_999_999_999_999L;
  /** The latest start time {@link #newestFirstKey} can order. */
  public static final Instant LATEST_START = Instant.ofEpochMilli(LAST_MILLIS);
  /** Greater than every {@link #newestFirstKey} (';' sorts after the digits and ':'). */
  private static final String AFTER_EVERY_KEY = ";";

  private Store() {
  }

  /**
   * Connection pools of a process, one per kind of work, each shared by every verticle that asks for it. A flood of
   * reads queues for connections of the read pool only: storing positions and answering readiness probes have
   * connections of their own and never wait behind it.
   */
  public enum Pool {
    READS("code-delivery-reads", 20),
    WRITES("code-delivery-writes", 8),
    PROBES("code-delivery-probes", 2),
    /** Accounts and sessions: every request's session check, which must not queue behind a flood of reads. */
    ACCESS("code-delivery-access", 4);

    private final String sharedName;
    private final int maxConnections;

    Pool(String sharedName, int maxConnections) {
      this.sharedName = sharedName;
      this.maxConnections = maxConnections;
    }
  }

  public static MongoClient client(Vertx vertx, AppConfig config, Pool pool) {
    return MongoClient.createShared(vertx, clientConfig(config, pool), pool.sharedName);
  }

  /**
   * TLS comes from the connection string ({@code tls=true}, or any {@code mongodb+srv://}), verified against the
   * JVM's trusted CAs. The Java driver ignores a URI's {@code tlsCAFile}, so a private CA is given as
   * {@code mongo.tls.ca.path}: the Vert.x client's {@code caPath} (PEM), which it only reads with TLS on.
   */
  static JsonObject clientConfig(AppConfig config, Pool pool) {
    JsonObject client = new JsonObject()
        .put("connection_string", config.mongoUri())
        .put("db_name", config.mongoDatabase())
        .put("maxPoolSize", pool.maxConnections)
        .put("serverSelectionTimeoutMS", 5_000)
        .put("connectTimeoutMS", 5_000);
    config.mongoTlsCaPath().ifPresent(ca -> client.put("ssl", true).put("caPath", ca.toString()));
    return client;
  }

  /**
   * How a walk in {@code _id} order is asked of the store. MongoDB needs the sort, which its {@code _id} index
   * answers. The embedded store returns an unsorted find in {@code _id} order already (its documents live in a map
   * sorted by {@code _id}) and stops reading at the limit, whereas any sort makes it read and sort every match first.
   */
  public enum Kind {
    EMBEDDED, MONGODB;

    public static Kind of(AppConfig config) {
      return config.embeddedMongo() ? EMBEDDED : MONGODB;
    }

    FindOptions inIdOrder(int limit) {
      FindOptions options = new FindOptions().setLimit(limit).setBatchSize(limit);
      return this == MONGODB ? options.setSort(new JsonObject().put("_id", 1)) : options;
    }
  }

  /**
   * The {@code _id} of a delivery's entry in {@link #DELIVERIES_NEWEST_FIRST}: its start time counted down, then its
   * id, so ascending {@code _id} order is newest first and a range of {@code _id}s is a stretch of time.
   */
  static String newestFirstKey(Instant startedAt, String deliveryId) {
    return String.format("%013d:%s", LAST_MILLIS - startedAt.toEpochMilli(), deliveryId);
  }

  /**
   * Where a time falls among the keys of {@link #DELIVERIES_NEWEST_FIRST}: the keys of deliveries started before
   * {@code time} are at or above it, those started at or after it below. So a range of start times is a range of
   * {@code _id}s, which every store walks without reading the rest of the collection.
   *
   * @param time from the epoch to {@link #LATEST_START}
   */
  static String newestFirstBound(Instant time) {
    long inverted = LAST_MILLIS - time.toEpochMilli() + 1;
    return inverted > LAST_MILLIS ? AFTER_EVERY_KEY : String.format("%013d", inverted);
  }

  public static JsonObject date(Instant instant) {
    return new JsonObject().put("$date", instant.toString());
  }

  /** A stored date back as an instant; null when none is stored. */
  public static Instant instant(Object stored) {
    String iso = isoDate(stored);
    return iso == null ? null : Instant.parse(iso);
  }

  /** A stored date back as ISO-8601 text, the form the API and the topics use. */
  static String isoDate(Object stored) {
    if (stored instanceof JsonObject date && date.containsKey("$date")) {
      Object value = date.getValue("$date");
      return value instanceof Number millis ? Instant.ofEpochMilli(millis.longValue()).toString() : Instant.parse(value.toString()).toString();
    }
    return stored == null ? null : stored.toString();
  }

  /**
   * Replaces (or inserts) each document by its {@code _id}, {@value #REPLACE_CHUNK} per bulk write, one after another:
   * the embedded store runs one command at a time, and a stage's second's worth of states in one command held every
   * reader behind it (a first sight's state, the device list) for a quarter of a second. The documents are taken as
   * they are now; done once all are written.
   */
  public static Future<Void> replaceAll(MongoClient mongo, String collection, List<JsonObject> documents) {
    List<BulkOperation> replacements = documents.stream()
        .map(document -> BulkOperation.createReplace(new JsonObject().put("_id", document.getValue("_id")), document, true))
        .toList();
    Future<Void> written = Future.succeededFuture();
    for (int from = 0; from < replacements.size(); from += REPLACE_CHUNK) {
      List<BulkOperation> chunk = replacements.subList(from, Math.min(from + REPLACE_CHUNK, replacements.size()));
      written = written.compose(v -> mongo.bulkWriteWithOptions(collection, chunk, UNORDERED).mapEmpty());
    }
    return written;
  }

  /** The store refused a write because its {@code _id} (or another unique key) is taken. */
  public static boolean isDuplicateKey(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof MongoServerException server && ErrorCategory.fromErrorCode(server.getCode()) == ErrorCategory.DUPLICATE_KEY) {
        return true;
      }
    }
    return false;
  }
}
