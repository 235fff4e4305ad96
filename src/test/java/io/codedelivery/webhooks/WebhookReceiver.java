package io.codedelivery.webhooks;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A webhook endpoint for the tests: a real HTTP server on 127.0.0.1 that records every request as it came (headers,
 * raw body, when) and answers as told ({@link #answer}); each request on a thread of its own, so a slow answer holds
 * up nothing else.
 */
final class WebhookReceiver implements AutoCloseable {
  /** A request as received, and the status it was answered with. */
  record Received(Headers headers, byte[] body, Instant at, int answeredStatus) {
    String header(String name) {
      return headers.getFirst(name);
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** How the receiver answers: a status, after a delay, with a Location for redirects. */
  record Answer(int status, Duration delay, String location) {
    static Answer of(int status) {
      return new Answer(status, Duration.ZERO, null);
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Answer answer = Answer.of(200);

  WebhookReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    Answer now = answer;
    received.add(new Received(exchange.getRequestHeaders(), body, Instant.now(), now.status()));
    try {
      Thread.sleep(now.delay().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (now.location() != null) {
      exchange.getResponseHeaders().add("Location", now.location());
    }
    exchange.sendResponseHeaders(now.status(), -1);
    exchange.close();
  }

  void answer(Answer next) {
    answer = next;
  }

  /** Its URL, with this path. */
  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  /** The requests it answered 2xx. */
  List<Received> accepted() {
    return received.stream().filter(request -> request.answeredStatus() / 100 == 2).toList();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
