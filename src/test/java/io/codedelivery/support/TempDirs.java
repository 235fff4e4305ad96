package io.codedelivery.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary directories the tests and the benchmark make, and take away again. */
public final class TempDirs {
  private TempDirs() {
  }

  /** Deletes a directory its caller created, with everything in it; a leftover is harmless, so errors are ignored. */
  public static void deleteTree(Path dir) {
    if (dir == null || !Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind
    }
  }
}
