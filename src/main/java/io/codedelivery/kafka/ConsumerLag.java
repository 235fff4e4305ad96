package io.codedelivery.kafka;

import io.codedelivery.metrics.PipelineMetrics;
import io.vertx.core.Future;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.ListOffsetsResultInfo;
import io.vertx.kafka.admin.MemberDescription;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer lag and progress, as the broker sees them, read every few seconds. Every group's lag feeds
 * {@code codedelivery_consumer_lag}. For the groups of the roles this process runs, each partition its own consumers
 * hold is watched: records waiting while its committed offset stands still for the group's stall time make it
 * stalled, which readiness and {@code codedelivery_consumer_stalled} report. Partitions other processes hold are
 * theirs to report, so one stuck consumer does not take every instance of its role out of service.
 */
public final class ConsumerLag {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLag.class);
  private static final long MAX_INTERVAL_MS = 5_000;

  /**
   * A consumer group of the application.
   *
   * @param runHere        whether this process has consumers in it (only then are its partitions watched)
   * @param startsAtEarliest whether a partition with nothing committed is read from its start ({@code earliest}),
   *                       so that all of it is waiting; otherwise nothing waits there until the first commit
   * @param stallAfter     how long a partition may wait without a commit before it counts as stalled; asked at each
   *                       check, as it may grow while the process runs (the simulation's with the longest route)
   */
  public record Group(String id, boolean runHere, boolean startsAtEarliest, Supplier<Duration> stallAfter) {
    public Group(String id, boolean runHere, boolean startsAtEarliest, Duration stallAfter) {
      this(id, runHere, startsAtEarliest, () -> stallAfter);
    }
  }

  private record Progress(long committed, long sinceMs) {
  }

  private final KafkaAdminClient admin;
  private final PipelineMetrics metrics;
  private final String instanceId;
  private final List<Group> groups;
  private final long intervalMs;
  /** Per group, each watched partition's committed offset and since when it stands there; updated on one context. */
  private final Map<String, Map<TopicPartition, Progress>> progress = new HashMap<>();
  /** Per group with stalled partitions, what each is stuck at; read by readiness probes on any event loop. */
  private final Map<String, List<String>> stalled = new ConcurrentHashMap<>();
  private Future<?> updating = Future.succeededFuture();

  public ConsumerLag(KafkaAdminClient admin, PipelineMetrics metrics, String instanceId, List<Group> groups) {
    this.admin = admin;
    this.metrics = metrics;
    this.instanceId = instanceId;
    this.groups = List.copyOf(groups);
    // At least twice per stall time, so a stall is seen within one and a half of it.
    long shortestStall = groups.stream().mapToLong(g -> g.stallAfter().get().toMillis()).min().orElse(MAX_INTERVAL_MS);
    this.intervalMs = Math.max(100, Math.min(MAX_INTERVAL_MS, shortestStall / 2));
  }

  /** How often {@link #update()} should run. */
  public long intervalMs() {
    return intervalMs;
  }

  /** Groups with stalled partitions held by this process, each with what its partitions are stuck at. */
  public Map<String, List<String>> stalled() {
    return Map.copyOf(stalled);
  }

  /** Reads every group's offsets once; skipped while the previous reading is still under way (a broker away). */
  public void update() {
    if (!updating.isComplete()) {
      return;
    }
    updating = Future.join(groups.stream().map(this::update).toList());
  }

  private Future<Void> update(Group group) {
    Future<Map<TopicPartition, OffsetAndMetadata>> committed = admin.listConsumerGroupOffsets(group.id());
    Future<Set<TopicPartition>> held = group.runHere() ? heldHere(group.id()) : Future.succeededFuture(Set.of());
    return Future.all(committed, held)
        .compose(both -> read(group, committedOffsets(committed.result()), held.result()))
        .onFailure(e -> {
          LOG.debug("Offsets of {} unknown: {}", group.id(), e.getMessage());
          // Unknown is not stalled; after the broker returns, a stall is timed afresh.
          forget(group);
        });
  }

  private Future<Set<TopicPartition>> heldHere(String group) {
    return admin.describeConsumerGroups(List.of(group)).map(described -> {
      Set<TopicPartition> partitions = new HashSet<>();
      for (MemberDescription member : described.get(group).getMembers()) {
        if (KafkaClients.heldBy(member.getClientId(), group, instanceId)) {
          partitions.addAll(member.getAssignment().getTopicPartitions());
        }
      }
      return partitions;
    });
  }

  private static Map<TopicPartition, Long> committedOffsets(Map<TopicPartition, OffsetAndMetadata> committed) {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    committed.forEach((partition, offset) -> {
      if (offset != null) {
        offsets.put(partition, offset.getOffset());
      }
    });
    return offsets;
  }

  private Future<Void> read(Group group, Map<TopicPartition, Long> committed, Set<TopicPartition> held) {
    Set<TopicPartition> ends = new HashSet<>(committed.keySet());
    ends.addAll(held);
    Set<TopicPartition> neverCommitted = new HashSet<>();
    if (group.startsAtEarliest()) {
      held.stream().filter(p -> !committed.containsKey(p)).forEach(neverCommitted::add);
    }
    Future<Map<TopicPartition, ListOffsetsResultInfo>> latest = offsets(ends, OffsetSpec.LATEST);
    Future<Map<TopicPartition, ListOffsetsResultInfo>> earliest = offsets(neverCommitted, OffsetSpec.EARLIEST);
    return Future.all(latest, earliest).map(both -> {
      metrics.consumerLag(group.id(), committed.entrySet().stream()
          .mapToLong(c -> Math.max(0, offset(latest.result(), c.getKey(), c.getValue()) - c.getValue()))
          .sum());
      if (group.runHere()) {
        Map<TopicPartition, Long> positions = new HashMap<>(committed);
        earliest.result().forEach((partition, start) -> positions.put(partition, start.getOffset()));
        watch(group, positions, held, latest.result());
      }
      return null;
    });
  }

  private Future<Map<TopicPartition, ListOffsetsResultInfo>> offsets(Set<TopicPartition> partitions, OffsetSpec spec) {
    if (partitions.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
    partitions.forEach(partition -> specs.put(partition, spec));
    return admin.listOffsets(specs);
  }

  private static long offset(Map<TopicPartition, ListOffsetsResultInfo> offsets, TopicPartition partition, long otherwise) {
    ListOffsetsResultInfo info = offsets.get(partition);
    return info == null ? otherwise : info.getOffset();
  }

  /** A partition progresses when its committed offset moves or nothing waits; the clock runs only while neither. */
  private void watch(Group group, Map<TopicPartition, Long> positions, Set<TopicPartition> held,
                     Map<TopicPartition, ListOffsetsResultInfo> ends) {
    long now = System.currentTimeMillis();
    Map<TopicPartition, Progress> before = progress.getOrDefault(group.id(), Map.of());
    Map<TopicPartition, Progress> after = new HashMap<>();
    List<String> stuck = new ArrayList<>();
    long longestMs = 0;
    for (TopicPartition partition : held) {
      Long position = positions.get(partition);
      if (position == null) {
        continue;
      }
      long waiting = offset(ends, partition, position) - position;
      Progress last = before.get(partition);
      Progress current = last == null || last.committed() != position || waiting <= 0 ? new Progress(position, now) : last;
      after.put(partition, current);
      if (waiting > 0) {
        long withoutProgressMs = now - current.sinceMs();
        longestMs = Math.max(longestMs, withoutProgressMs);
        if (withoutProgressMs >= group.stallAfter().get().toMillis()) {
          stuck.add(partition.getTopic() + "-" + partition.getPartition() + " at offset " + position + ": " + waiting
              + " records waiting, no commit for " + withoutProgressMs / 1000 + " s");
        }
      }
    }
    progress.put(group.id(), after);
    if (stuck.isEmpty()) {
      if (stalled.remove(group.id()) != null) {
        LOG.info("Consumer group {} moves again in this process", group.id());
      }
    } else {
      if (!stalled.containsKey(group.id())) {
        LOG.error("Consumer group {} is stalled in this process: {}", group.id(), stuck);
      }
      stalled.put(group.id(), List.copyOf(stuck));
    }
    metrics.consumerProgress(group.id(), !stuck.isEmpty(), longestMs / 1000);
  }

  private void forget(Group group) {
    progress.remove(group.id());
    stalled.remove(group.id());
    if (group.runHere()) {
      metrics.consumerProgress(group.id(), false, 0);
    }
  }
}
