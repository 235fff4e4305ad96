package io.codedelivery.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.model.DeviceFix;
import io.codedelivery.model.Topics;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A phone posting fixes while Kafka goes away and comes back: it is told to send again while Kafka is away, is
 * answered 200 again afterwards, and every fix it was answered 200 for is on {@code device.positions}.
 */
class IngestOutageIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static TestStack stack;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.onOwnInfrastructure(Map.of());
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  /** Like Traccar Client: fixes in order, each sent again until it is answered 200. */
  private final class Phone implements Runnable {
    final String deviceId;
    final Instant firstFix = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    final Set<Instant> acknowledged = ConcurrentHashMap.newKeySet();
    final AtomicInteger refusals = new AtomicInteger();
    final AtomicInteger acknowledgedAfterRefusal = new AtomicInteger();
    final AtomicBoolean running = new AtomicBoolean(true);

    Phone(String deviceId) {
      this.deviceId = deviceId;
    }

    @Override
    public void run() {
      for (int i = 0; running.get(); i++) {
        Instant fixTime = firstFix.plusSeconds(i);
        while (running.get() && !send(fixTime)) {
          refusals.incrementAndGet();
        }
      }
    }

    private boolean send(Instant fixTime) {
      URI uri = URI.create("http://localhost:" + stack.app().config().ingestPort() + "/?id=" + deviceId
          + "&lat=52.52&lon=13.405&timestamp=" + fixTime.getEpochSecond());
      try {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
          assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
          return false;
        }
        acknowledged.add(fixTime);
        if (refusals.get() > 0) {
          acknowledgedAfterRefusal.incrementAndGet();
        }
        return true;
      } catch (java.io.IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running.set(false);
        return false;
      }
    }
  }

  @Test
  void aPhoneIsToldToResendWhileKafkaIsAwayAndNoAcknowledgedFixIsLost() throws Exception {
    String deviceId = "outage-phone";
    HttpResponse<String> created = http.send(stack.request("/api/devices")
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("uniqueId", deviceId).put("name", "Van").encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    Phone phone = new Phone(deviceId);
    Thread sender = new Thread(phone, "phone");
    sender.start();
    try {
      await().atMost(WAIT).until(() -> phone.acknowledged.size() >= 20);

      stack.broker().stop();
      try {
        await().atMost(WAIT).until(() -> phone.refusals.get() >= 1);
      } finally {
        stack.broker().startAgain();
      }
      await().atMost(WAIT).until(() -> phone.acknowledgedAfterRefusal.get() >= 20);
    } finally {
      phone.running.set(false);
      sender.join(Duration.ofSeconds(30).toMillis());
    }

    Set<Instant> onTopic = new HashSet<>();
    try (KafkaConsumer<String, String> consumer = stack.kafkaConsumer("ingest-outage-check")) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEVICE_POSITIONS).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await().atMost(WAIT).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> onTopic.add(DeviceFix.fromJson(r.value()).fixTime()));
        return onTopic.containsAll(phone.acknowledged);
      });
    }
    assertThat(phone.refusals.get()).as("answers other than 200 while Kafka was away").isPositive();
    assertThat(onTopic).as("every fix answered 200 is on the topic").containsAll(phone.acknowledged);
  }
}
