package io.codedelivery.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.codedelivery.config.Setting;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stack with a certificate configured, reached as a browser and a phone would: HTTPS on the web and ingest
 * ports with that certificate, plain HTTP on the management port for probes. The certificate is made here,
 * self-signed, and the clients trust exactly it.
 */
class TlsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static SelfSignedCertificate certificate;
  private static Certificate served;
  private static TestStack stack;
  private static HttpClient trusting;

  @BeforeAll
  static void startWithACertificate() throws Exception {
    certificate = SelfSignedCertificate.create("localhost");
    stack = TestStack.start(Map.of(
        Setting.TLS_CERT_PATH, certificate.certificatePath(),
        Setting.TLS_KEY_PATH, certificate.privateKeyPath()));
    try (InputStream pem = Files.newInputStream(Path.of(certificate.certificatePath()))) {
      served = CertificateFactory.getInstance("X.509").generateCertificate(pem);
    }
    trusting = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trustingOnly(served)).build();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
    certificate.delete();
  }

  private static SSLContext trustingOnly(Certificate trusted) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setCertificateEntry("code-delivery", trusted);
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int ingestPort() {
    return stack.app().config().ingestPort();
  }

  @Test
  void theWebPortServesHttpsWithTheConfiguredCertificate() throws Exception {
    HttpResponse<String> answer = get(trusting, "https://localhost:" + stack.httpPort() + "/api/config");

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(new JsonObject(answer.body()).fieldNames()).isNotEmpty();
    assertThat(answer.sslSession()).hasValueSatisfying(session -> {
      try {
        assertThat(session.getPeerCertificates()[0]).isEqualTo(served);
      } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void theIngestPortAnswersAPhoneOverHttps() throws Exception {
    String unknownDevice = "tls-" + UUID.randomUUID();
    HttpResponse<String> answer = get(trusting, "https://localhost:" + ingestPort()
        + "/?id=" + unknownDevice + "&lat=52.5&lon=13.4&timestamp=" + System.currentTimeMillis() / 1000);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
    assertThat(new JsonObject(answer.body()).getString("reason")).isEqualTo("unknown_device");
  }

  @Test
  void theManagementPortStaysPlainHttpForProbes() throws Exception {
    HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    assertThat(get(plain, stack.managementUrl() + "/health/live").statusCode()).isEqualTo(200);
    assertThat(get(plain, stack.managementUrl() + "/health/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void theTlsPortsDoNotAnswerPlainHttp() {
    HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    for (int port : new int[] {stack.httpPort(), ingestPort()}) {
      assertThatThrownBy(() -> get(plain, "http://localhost:" + port + "/api/config")).as("plain HTTP on port %d", port)
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefused() {
    HttpClient jvmDefaults = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    assertThatThrownBy(() -> get(jvmDefaults, "https://localhost:" + stack.httpPort() + "/api/config"))
        .isInstanceOf(SSLHandshakeException.class);
  }

  /** The request guard reads what TLS decrypted: a smuggling attempt is still refused and the connection closed. */
  @Test
  void requestsAreGuardedBehindTlsAsWithout() throws Exception {
    try (SSLSocket socket = (SSLSocket) trustingOnly(served).getSocketFactory().createSocket("localhost", stack.httpPort())) {
      socket.setSoTimeout(12_000);
      socket.getOutputStream().write(("POST /api/deliveries HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
          + "GET /api/config HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();

      String received = readUntilClosed(socket.getInputStream());

      assertThat(received).startsWith("HTTP/1.1 400").contains("Transfer-Encoding");
      assertThat(received.split("HTTP/1\\.1 ", -1)).as("one response, the smuggled request not answered").hasSize(2);
    }
  }

  private static String readUntilClosed(InputStream in) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        received.write(buffer, 0, n);
      }
    } catch (java.net.SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open: " + received.toString(StandardCharsets.ISO_8859_1), e);
    } catch (IOException reset) {
      // a reset is a close too
    }
    return received.toString(StandardCharsets.ISO_8859_1);
  }
}
