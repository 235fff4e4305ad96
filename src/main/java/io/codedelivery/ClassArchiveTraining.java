package io.codedelivery;

import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training run of the class-data archive that {@code mvn package} writes beside the jar
 * ({@code target/code-delivery.jsa}, and the image's own in {@code compose/Dockerfile}). Run as
 * {@code java -XX:ArchiveClassesAtExit=code-delivery.jsa -cp code-delivery.jar io.codedelivery.ClassArchiveTraining},
 * it plays {@linkplain WarmUp#once() the shortest rehearsal} — a private copy of the application on its embedded
 * defaults, one browser's delivery through it: sign-in, the map page and every script and style sheet it names, a
 * phone's fix, a start over REST, a SockJS session registered to the delivery, its first position — then exits, and
 * the JVM archives every class it loaded. A process started with {@code -XX:SharedArchiveFile=code-delivery.jsa} maps
 * those classes instead of reading, verifying and linking them again: on two cores it was ready in 5.1–5.9 s instead
 * of 8.7–10.7 s (README Performance). With an archive from another build or JDK the JVM says so in one line and starts
 * as it always did; with none, it starts as always.
 */
public final class ClassArchiveTraining {
  private static final Logger LOG = LoggerFactory.getLogger(ClassArchiveTraining.class);

  private ClassArchiveTraining() {
  }

  public static void main(String[] args) {
    // The build's output stays readable: the application's own start-up lines are for operators, not for Maven.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
    int exitCode = 1;
    try {
      WarmUp.Result training = WarmUp.once();
      System.out.printf("Class-data archive training: started in %d ms; a phone's fix accepted, and a delivery's first "
          + "position at its SockJS session %d ms after its start%n", training.startedMs(), training.firstPositionMs());
      exitCode = 0;
    } catch (Exception e) {
      LOG.error("Class-data archive training failed: {}", e.toString(), e);
    }
    // Kafka's and Netty's remaining threads would keep the JVM up; the archive is written as it exits.
    System.exit(exitCode);
  }
}
