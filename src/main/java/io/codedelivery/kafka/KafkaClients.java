package io.codedelivery.kafka;

import io.codedelivery.config.KafkaConnection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Settings shared by every Kafka client of the application, so the delivery guarantees are set in one place. Each
 * starts from the {@link KafkaConnection}: servers and security come from the configuration, never from a caller.
 */
public final class KafkaClients {
  private static final AtomicInteger CONSUMERS = new AtomicInteger();

  private KafkaClients() {
  }

  /** Idempotent, acks=all: a retried send is written once, and only once every in-sync replica has it. */
  public static Map<String, String> producer(KafkaConnection connection) {
    Map<String, String> config = connection.clientProperties();
    config.put("key.serializer", StringSerializer.class.getName());
    config.put("value.serializer", StringSerializer.class.getName());
    config.put("acks", "all");
    config.put("enable.idempotence", "true");
    config.put("max.in.flight.requests.per.connection", "5");
    // A few milliseconds of batching costs little latency and saves most per-request overhead under load.
    config.put("linger.ms", "5");
    // Give up on a send within 25 s, before an event-bus request (30 s) times out: a caller told "unavailable"
    // should not see the delivery start anyway much later. Vehicles simply retry the same seq.
    config.put("request.timeout.ms", "10000");
    config.put("delivery.timeout.ms", "25000");
    return config;
  }

  /**
   * Offsets are committed by the application after the work is done, never automatically.
   *
   * @param offsetReset where a new group starts: {@code earliest} (nothing missed) or {@code latest} (live only)
   */
  public static Map<String, String> consumer(KafkaConnection connection, String groupId, String offsetReset) {
    Map<String, String> config = connection.clientProperties();
    config.put("group.id", groupId);
    config.put("key.deserializer", StringDeserializer.class.getName());
    config.put("value.deserializer", StringDeserializer.class.getName());
    config.put("enable.auto.commit", "false");
    config.put("auto.offset.reset", offsetReset);
    // A process killed without leaving its groups holds its partitions until its session expires; 10 s
    // (not the default 45 s) lets a restarted or surviving instance take over quickly.
    config.put("session.timeout.ms", "10000");
    config.put("heartbeat.interval.ms", "3000");
    return config;
  }

  /**
   * The same consumer, for a steady stream: the broker holds each fetch for {@code fetchWaitMs} (unless a megabyte is
   * waiting), so a poll returns that long's records at once. Kafka's default answers a fetch as soon as one byte is
   * there, and a stream of small producer batches is then read a few records at a time, each fetch with its fixed
   * cost on the consumer's thread, its hop to the event loop and, for a stage, its produce and acknowledgement. An
   * idle topic costs a fetch every {@code fetchWaitMs}, so a sparse one keeps the default.
   */
  public static Map<String, String> batching(Map<String, String> consumerConfig, int fetchWaitMs) {
    consumerConfig.put("fetch.max.wait.ms", String.valueOf(fetchWaitMs));
    consumerConfig.put("fetch.min.bytes", String.valueOf(1024 * 1024));
    return consumerConfig;
  }

  /**
   * A consumer of one of this process's roles: its client id names the process, so that what the group's members
   * hold can be told apart by process ({@link #heldBy}).
   */
  public static Map<String, String> consumer(KafkaConnection connection, String groupId, String offsetReset, String instanceId) {
    Map<String, String> config = consumer(connection, groupId, offsetReset);
    // Numbered: several instances of a role in one process are several members, and Kafka wants client ids apart.
    config.put("client.id", clientIdPrefix(groupId, instanceId) + CONSUMERS.incrementAndGet());
    return config;
  }

  /**
   * The same consumer, moving only the partitions that change hands when a member joins or leaves; Kafka's eager
   * default first takes every partition from every member, which stops all their work and forgets what had no
   * committed offset yet.
   */
  public static Map<String, String> cooperative(Map<String, String> consumerConfig) {
    consumerConfig.put("partition.assignment.strategy", CooperativeStickyAssignor.class.getName());
    return consumerConfig;
  }

  /** Whether a group member with this client id is a consumer of the given process. */
  public static boolean heldBy(String clientId, String groupId, String instanceId) {
    return clientId != null && clientId.startsWith(clientIdPrefix(groupId, instanceId));
  }

  private static String clientIdPrefix(String groupId, String instanceId) {
    return groupId + "." + instanceId + ".";
  }

  /** Short timeouts: the admin client answers health probes, which must not hang while a broker is away. */
  public static Map<String, String> admin(KafkaConnection connection) {
    Map<String, String> config = connection.clientProperties();
    config.put("request.timeout.ms", "2000");
    config.put("default.api.timeout.ms", "2500");
    return config;
  }
}
