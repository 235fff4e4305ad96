package io.codedelivery.bench;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A part of the gateway mode in a {@link ChildJvm} of its own, speaking a small line protocol on its stdout:
 * {@code READY <json>} once it is set up, {@code STATS <json>} whenever it likes (the last one is kept), and
 * {@code END <json>} after the benchmark wrote {@code END} to its stdin. Any other line (a log line) is shown with
 * the part's name in front.
 */
final class ChildProcess implements AutoCloseable {
  private final String name;
  private final CompletableFuture<JsonObject> ready = new CompletableFuture<>();
  private final CompletableFuture<JsonObject> ended = new CompletableFuture<>();
  private volatile JsonObject stats = new JsonObject();
  private ChildJvm jvm;

  private ChildProcess(String name) {
    this.name = name;
  }

  /** Starts it, and returns once it said READY (within {@code readyTimeoutS}), or fails naming its log. */
  static ChildProcess start(Path logDir, String name, List<String> jvmOptions, Class<?> main, List<String> args,
      String token, long readyTimeoutS) throws Exception {
    ChildProcess child = new ChildProcess(name);
    child.jvm = new ChildJvm(logDir, name, jvmOptions, main, args, token, child::read, exited -> {
      child.ready.completeExceptionally(exited);
      child.ended.completeExceptionally(exited);
    });
    try {
      child.ready.get(readyTimeoutS, TimeUnit.SECONDS);
    } catch (Exception e) {
      child.close();
      throw new IllegalStateException("the " + name + " process did not get ready (see " + ChildJvm.log(logDir, name) + ")", e);
    }
    return child;
  }

  private void read(String line) {
    if (line.startsWith("READY ")) {
      ready.complete(new JsonObject(line.substring("READY ".length())));
    } else if (line.startsWith("STATS ")) {
      stats = new JsonObject(line.substring("STATS ".length()));
    } else if (line.startsWith("END ")) {
      ended.complete(new JsonObject(line.substring("END ".length())));
    } else if (!line.isBlank()) {
      System.out.println("[" + name + "] " + line);
    }
  }

  /** What it said when it got ready. */
  JsonObject ready() {
    return ready.join();
  }

  /** What it last said in a STATS line (empty before the first). */
  JsonObject stats() {
    return stats;
  }

  long pid() {
    return jvm.pid();
  }

  /** Tells it to end, and returns its last word. */
  JsonObject end() throws Exception {
    return jvm.end(ended);
  }

  @Override
  public void close() throws Exception {
    if (jvm != null) {
      jvm.close(ended.isDone());
    }
  }

  /** The body of a child's main. */
  interface Body {
    void run() throws Exception;
  }

  /**
   * In the child: runs its main's body, then exits, also when the body failed (with status 1, its stack trace on
   * stderr, which is the child's log): threads a failure left behind (a Kafka client's, say) must not keep it alive.
   */
  static void exitAfter(Body body) {
    int status = 0;
    try {
      body.run();
    } catch (Throwable e) {
      e.printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  /** In the child: blocks until the benchmark writes END to its stdin (or goes away). */
  static void awaitEnd() throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String command;
    while ((command = in.readLine()) != null) {
      if (command.equals("END")) {
        return;
      }
    }
  }

  /** In the child: a line of the protocol. */
  static void say(PrintWriter out, String word, JsonObject json) {
    out.println(word + " " + json.encode());
  }
}
