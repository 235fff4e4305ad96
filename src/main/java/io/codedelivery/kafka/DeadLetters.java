package io.codedelivery.kafka;

import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.model.Topics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a record that cannot be used to {@link Topics#DEAD_LETTER}, with the reason in a header, so the pipeline
 * goes on. The copy always fits: a value near the broker's 1 MB limit plus the headers would not, and a record that
 * can be neither used nor moved would hold its partition for good. A copy the broker still refuses for good is
 * skipped, loudly; only a failure that may pass (the broker away) is retried, so nothing is lost to an outage.
 */
public final class DeadLetters {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
  /** Far under the producer's {@code max.request.size} and the topic's {@code max.message.bytes} (1 MB by default). */
  public static final int MAX_VALUE_BYTES = 64 * 1024;
  public static final int MAX_KEY_BYTES = 1024;
  private static final int MAX_REASON_CHARS = 1024;
  private static final long FIRST_RETRY_MS = 500;
  private static final long MAX_RETRY_MS = 5_000;

  private final Vertx vertx;
  private final KafkaProducer<String, String> producer;
  private final PipelineMetrics metrics;
  private volatile boolean stopped;

  /**
   * Also gives the producer an exception handler: each send's failure is handled by the future it returns, and
   * without one Vert.x would log every failed send once more, as an "Unhandled exception" ERROR.
   */
  public DeadLetters(Vertx vertx, KafkaProducer<String, String> producer, PipelineMetrics metrics) {
    this.vertx = vertx;
    this.producer = producer;
    this.metrics = metrics;
    producer.exceptionHandler(e -> LOG.debug("Send failed (handled by its sender): {}", e.toString()));
  }

  /**
   * Completes once the bad record may be committed past: its dead letter durably written, or skipped because it
   * can never be. Fails only when {@link #stop() stopped} first, so a stopping consumer leaves the record to be
   * read again.
   */
  public Future<Void> send(KafkaConsumerRecord<String, String> bad, String reason) {
    LOG.warn("Dead-lettering {}: {}", source(bad), reason);
    KafkaProducerRecord<String, String> letter;
    try {
      letter = letterFor(bad, reason);
    } catch (RuntimeException e) {
      return skipped(bad, reason, e);
    }
    return write(letter, bad, reason, FIRST_RETRY_MS);
  }

  /** Retries already waiting give up, and sends that fail from now on are not taken for a record to skip. */
  public void stop() {
    stopped = true;
  }

  private Future<Void> write(KafkaProducerRecord<String, String> letter, KafkaConsumerRecord<String, String> bad,
                             String reason, long retryMs) {
    return producer.send(letter).<Void>mapEmpty().onSuccess(sent -> metrics.deadLettered(bad.topic())).recover(error -> {
      if (stopped) {
        return Future.failedFuture(error);
      }
      if (!retriable(error)) {
        return skipped(bad, reason, error);
      }
      LOG.warn("Dead letter of {} not written ({}); retrying in {} ms", source(bad), error.getMessage(), retryMs);
      Promise<Void> retried = Promise.promise();
      vertx.setTimer(retryMs, id -> {
        if (stopped) {
          retried.fail(error);
        } else {
          write(letter, bad, reason, Math.min(retryMs * 2, MAX_RETRY_MS)).onComplete(retried);
        }
      });
      return retried.future();
    });
  }

  private Future<Void> skipped(KafkaConsumerRecord<String, String> bad, String reason, Throwable why) {
    LOG.error("Skipping {} ({}): it cannot be dead-lettered either: {}", source(bad), reason, why.toString());
    metrics.skipped(bad.topic());
    return Future.succeededFuture();
  }

  static boolean retriable(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof RetriableException) {
        return true;
      }
    }
    return false;
  }

  private static KafkaProducerRecord<String, String> letterFor(KafkaConsumerRecord<String, String> bad, String reason) {
    String key = utf8Prefix(bad.key(), MAX_KEY_BYTES);
    String value = utf8Prefix(bad.value(), MAX_VALUE_BYTES);
    boolean truncated = !Objects.equals(key, bad.key()) || !Objects.equals(value, bad.value());
    return KafkaProducerRecord.create(Topics.DEAD_LETTER, key, value)
        .addHeader(Topics.DEAD_LETTER_REASON_HEADER, reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason)
        .addHeader(Topics.DEAD_LETTER_SOURCE_HEADER, source(bad))
        .addHeader(Topics.DEAD_LETTER_ORIGINAL_BYTES_HEADER, String.valueOf(Math.max(0, bad.record().serializedValueSize())))
        .addHeader(Topics.DEAD_LETTER_TRUNCATED_HEADER, String.valueOf(truncated));
  }

  private static String source(KafkaConsumerRecord<String, String> bad) {
    return bad.topic() + "-" + bad.partition() + "@" + bad.offset();
  }

  /** The longest prefix of a text whose UTF-8 encoding fits a number of bytes, cut between characters. */
  static String utf8Prefix(String text, int maxBytes) {
    // A char is at most 3 bytes in UTF-8 (a surrogate pair 4 for two chars): a short text needs no encoding.
    if (text == null || text.length() * 3L <= maxBytes) {
      return text;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= maxBytes) {
      return text;
    }
    int end = maxBytes;
    // Back over continuation bytes (10xxxxxx), so the cut falls before the first byte of a character.
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }
}
