package io.codedelivery.kafka;

import io.codedelivery.PipelineMetrics;
import io.codedelivery.model.Topics;
import io.vertx.core.Future;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Moves a record that cannot be used to {@link Topics#DEAD_LETTER}, with the reason in a header, so the pipeline goes on. */
public final class DeadLetters {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  private final KafkaProducer<String, String> producer;
  private final PipelineMetrics metrics;

  public DeadLetters(KafkaProducer<String, String> producer, PipelineMetrics metrics) {
    this.producer = producer;
    this.metrics = metrics;
  }

  /** Completes once the dead letter is durably written; only then may the bad record's offset be committed. */
  public Future<Void> send(KafkaConsumerRecord<String, String> bad, String reason) {
    LOG.warn("Dead-lettering {}-{}@{}: {}", bad.topic(), bad.partition(), bad.offset(), reason);
    KafkaProducerRecord<String, String> letter = KafkaProducerRecord.create(Topics.DEAD_LETTER, bad.key(), bad.value())
        .addHeader(Topics.DEAD_LETTER_REASON_HEADER, reason)
        .addHeader(Topics.DEAD_LETTER_SOURCE_HEADER, bad.topic() + "-" + bad.partition() + "@" + bad.offset());
    return producer.send(letter).onSuccess(sent -> metrics.deadLettered(bad.topic())).mapEmpty();
  }
}
