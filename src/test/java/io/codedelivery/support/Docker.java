package io.codedelivery.support;

import org.testcontainers.DockerClientFactory;

/**
 * Testcontainers tests run where a Docker engine does and are skipped, saying why, where none does: annotate
 * the class with {@code @EnabledIf(value = Docker.AVAILABLE, disabledReason = Docker.ABSENT)}.
 */
public final class Docker {
  public static final String AVAILABLE = "io.codedelivery.support.Docker#available";
  public static final String ABSENT = "No Docker engine here: Testcontainers tests (real Kafka/MongoDB images) are skipped;"
      + " the embedded-infrastructure tests cover this machine";

  private Docker() {
  }

  public static boolean available() {
    return DockerClientFactory.instance().isDockerAvailable();
  }
}
