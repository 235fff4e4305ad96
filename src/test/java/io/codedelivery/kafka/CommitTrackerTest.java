package io.codedelivery.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.kafka.client.common.TopicPartition;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommitTrackerTest {
  private final TopicPartition partition = new TopicPartition("route.new-direction", 0);
  private final CommitTracker tracker = new CommitTracker();

  @Test
  void onlyOffsetsBelowTheOldestUnfinishedRecordAreOffered() {
    tracker.begin(partition, 10);
    tracker.begin(partition, 11);
    tracker.begin(partition, 12);
    tracker.done(partition, 11);
    tracker.done(partition, 12);

    assertThat(tracker.advance().get(partition).getOffset()).isEqualTo(10);

    tracker.done(partition, 10);
    assertThat(tracker.advance().get(partition).getOffset()).isEqualTo(13);
  }

  @Test
  void aFailedCommitIsOfferedAgainAndASuccessfulOneIsNot() {
    tracker.begin(partition, 5);
    tracker.done(partition, 5);

    assertThat(tracker.advance()).containsKey(partition);
    assertThat(tracker.advance()).as("not committed yet: offered again").containsKey(partition);
    tracker.committed(tracker.advance());
    assertThat(tracker.advance()).isEmpty();
  }

  @Test
  void noCommitReachesTheConsumerOnceItsLastOneWasAskedFor() {
    // Nothing is done yet, so the last commit makes no consumer call; a null consumer shows that none follows.
    assertThat(tracker.lastCommit(null).succeeded()).isTrue();
    tracker.begin(partition, 7);
    tracker.done(partition, 7);

    assertThat(tracker.commitDone(null).succeeded()).as("skipped: the consumer is closing").isTrue();
    assertThat(tracker.advance()).as("and still not committed").containsKey(partition);
  }

  @Test
  void revokedPartitionsAreForgotten() {
    tracker.begin(partition, 1);
    tracker.forget(List.of(partition));

    assertThat(tracker.advance()).isEmpty();
  }
}
