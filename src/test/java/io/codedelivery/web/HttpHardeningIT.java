package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.codedelivery.config.Setting;
import io.codedelivery.model.Addresses;
import io.codedelivery.support.SockJsClient;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile clients at the protocol level, through raw sockets: a compression bomb over WebSocket, headers
 * trickled byte by byte, connections left idle, a request smuggling shape. Each must cost the server little and
 * leave everyone else served.
 */
class HttpHardeningIT {
  private static final int IDLE_TIMEOUT_SECONDS = 3;
  private static final int HEADER_TIMEOUT_SECONDS = 2;
  /** Longer than any timeout under test: a read still blocked after this means the server kept the connection. */
  private static final int READ_TIMEOUT_MS = 12_000;
  private static TestStack stack;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startStack() {
    stack = TestStack.start(Map.of(
        Setting.HTTP_IDLE_TIMEOUT_SECONDS, String.valueOf(IDLE_TIMEOUT_SECONDS),
        Setting.HTTP_HEADER_TIMEOUT_SECONDS, String.valueOf(HEADER_TIMEOUT_SECONDS)));
  }

  @AfterAll
  static void stopStack() {
    stack.close();
  }

  private Socket connect(int port) throws IOException {
    Socket socket = new Socket("localhost", port);
    socket.setSoTimeout(READ_TIMEOUT_MS);
    return socket;
  }

  private int managementPort() {
    return URI.create(stack.managementUrl()).getPort();
  }

  /** Everything the server sends until it closes the connection; fails if it keeps it open past the read timeout. */
  private static String readUntilClosed(Socket socket) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        received.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open; received so far: " + received.toString(StandardCharsets.ISO_8859_1), e);
    } catch (IOException reset) {
      // a reset is a close too
    }
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  /** The response head, read byte by byte so nothing after it is consumed. */
  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("connection closed after " + head);
      }
      head.append((char) b);
    }
    return head.toString();
  }

  private static int countResponses(String received) {
    return (int) Pattern.compile("^HTTP/1\\.1 \\d{3}", Pattern.MULTILINE).matcher(received).results().count();
  }

  /**
   * A cheap path each port answers 200 without credentials: the management port's liveness probe, and on the web
   * port (closed to anyone not signed in, and without the probes) the pages' settings.
   */
  private String openPath(int port) {
    return port == stack.httpPort() ? "/api/config" : "/health/live";
  }

  private void assertAnswersWithinOneSecond(int port) throws Exception {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + openPath(port)))
        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);
  }

  /** A client's WebSocket frame: masked, as RFC 6455 requires, with the given first byte (FIN, RSV bits, opcode). */
  private static byte[] clientFrame(int firstByte, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(firstByte);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length <= 0xFFFF) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xFF);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >>> shift) & 0xFF);
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    return frame.toByteArray();
  }

  /** A raw deflate stream (no zlib wrapper, as permessage-deflate sends) of this many zero bytes. */
  private static byte[] deflatedZeros(int size) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    byte[] zeros = new byte[1 << 20];
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[1 << 16];
    for (int fed = 0; fed < size; fed += zeros.length) {
      deflater.setInput(zeros, 0, Math.min(zeros.length, size - fed));
      while (!deflater.needsInput()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
    }
    deflater.finish();
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return out.toByteArray();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/eventbus/websocket", "/eventbus/417/bomb1234/websocket"})
  void aCompressedWebSocketBombIsRefusedWhileBothPortsKeepAnswering(String path) throws Exception {
    byte[] bomb = deflatedZeros(50 << 20);
    try (Socket socket = connect(stack.httpPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      String handshake = readHead(socket.getInputStream());
      assertThat(handshake).startsWith("HTTP/1.1 101");
      assertThat(handshake.toLowerCase()).as("no compression negotiated").doesNotContain("sec-websocket-extensions");

      // FIN + RSV1 (compressed) + text: ~50 KB on the wire, 50 MB once inflated.
      out.write(clientFrame(0x80 | 0x40 | 0x1, bomb));
      out.flush();
      for (int i = 0; i < 3; i++) {
        assertAnswersWithinOneSecond(stack.httpPort());
        assertAnswersWithinOneSecond(managementPort());
      }

      List<Integer> closeCodes = closeCodes(readUntilClosed(socket).getBytes(StandardCharsets.ISO_8859_1));
      assertThat(closeCodes).as("closed, with a protocol error if with a close frame at all").allMatch(code -> code == 1002);
    }
  }

  /** The status codes of the close frames among a server's (unmasked) WebSocket frames. */
  private static List<Integer> closeCodes(byte[] frames) {
    List<Integer> codes = new ArrayList<>();
    ByteBuffer in = ByteBuffer.wrap(frames);
    while (in.remaining() >= 2) {
      int opcode = in.get() & 0x0F;
      int length = in.get() & 0x7F;
      long payloadLength = length == 126 ? in.getShort() & 0xFFFF : length == 127 ? in.getLong() : length;
      if (opcode == 0x8 && payloadLength >= 2) {
        codes.add(in.getShort(in.position()) & 0xFFFF);
      }
      in.position(in.position() + (int) payloadLength);
    }
    return codes;
  }

  @Test
  void aClientTricklingItsHeadersIsCutOffAfterTheHeaderTimeout() throws Exception {
    for (int port : new int[] {stack.httpPort(), managementPort()}) {
      ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
      try (Socket socket = connect(port)) {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + openPath(port) + " HTTP/1.1\r\nHost: localhost\r\nX-Slow: ").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        // A byte every half second: never idle, never done.
        trickle.scheduleAtFixedRate(() -> {
          try {
            out.write('a');
            out.flush();
          } catch (IOException closed) {
            // the server hung up, which is the point
          }
        }, 500, 500, TimeUnit.MILLISECONDS);
        long start = System.nanoTime();

        String received = readUntilClosed(socket);

        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertThat(seconds).as("closed by the header timeout on port %d", port).isLessThanOrEqualTo(HEADER_TIMEOUT_SECONDS + 2);
        assertThat(received).as("no request was ever answered").isEmpty();
      } finally {
        trickle.shutdownNow();
      }
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    for (int port : new int[] {stack.httpPort(), managementPort()}) {
      try (Socket socket = connect(port)) {
        socket.getOutputStream().write(("GET " + openPath(port) + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = socket.getInputStream();
        String head = readHead(in);
        Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        assertThat(head).startsWith("HTTP/1.1 200");
        assertThat(length.find()).isTrue();
        in.readNBytes(Integer.parseInt(length.group(1)));
        long start = System.nanoTime();

        String afterwards = readUntilClosed(socket);

        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertThat(seconds).as("closed by the idle timeout on port %d", port)
            .isBetween((long) IDLE_TIMEOUT_SECONDS - 1, (long) IDLE_TIMEOUT_SECONDS + 2);
        assertThat(afterwards).isEmpty();
      }
    }
  }

  @Test
  void aSockJsConnectionOutlivesBothTimeoutsAndStillReceivesMessages() throws Exception {
    try (SockJsClient browser = SockJsClient.connect(stack.app().vertx(), stack.httpPort()).authorizedAs(stack.adminToken())) {
      browser.register(Addresses.DELIVERY_UPDATES);
      Duration pastBothTimeouts = Duration.ofSeconds(IDLE_TIMEOUT_SECONDS + HEADER_TIMEOUT_SECONDS + 1);
      await().during(pastBothTimeouts).atMost(pastBothTimeouts.plusSeconds(2)).until(() -> !browser.isClosedByServer());

      String replyAddress = browser.send(Addresses.START_DELIVERY, new JsonObject().put("routeId", "1"));

      await().atMost(Duration.ofSeconds(30)).until(() -> !browser.messagesTo(replyAddress).isEmpty()
          && !browser.messagesTo(Addresses.DELIVERY_UPDATES).isEmpty());
      assertThat(browser.messagesTo(replyAddress).get(0).getString("type")).isEqualTo("rec");
    }
  }

  @Test
  void aRequestWithBothContentLengthAndChunkedIsRefusedAndTheConnectionClosed() throws Exception {
    try (Socket socket = connect(stack.httpPort())) {
      socket.getOutputStream().write(("POST /api/deliveries HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "0\r\n\r\n"
          + "GET /api/routes HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));

      String received = readUntilClosed(socket);

      assertThat(countResponses(received)).as(received).isEqualTo(1);
      assertThat(received).startsWith("HTTP/1.1 400");
      JsonObject error = new JsonObject(received.substring(received.indexOf("\r\n\r\n") + 4));
      assertThat(error.getString("error")).isEqualTo("bad_request");
      assertThat(error.getString("message")).contains("Content-Length").contains("Transfer-Encoding");
    }
  }
}
