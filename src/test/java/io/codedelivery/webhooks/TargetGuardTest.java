package io.codedelivery.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which addresses a webhook may target, by address literal (no DNS involved), and which URLs are refused outright. */
class TargetGuardTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "127.0.0.1", "127.255.0.9", "::1",                          // loopback
      "0.0.0.0", "0.1.2.3", "::",                                 // any-local, "this network"
      "169.254.169.254", "169.254.0.1", "fe80::1",                // link-local, the cloud metadata service
      "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254", "192.168.1.1", // private
      "100.64.0.1", "100.127.255.254",                            // carrier-grade NAT
      "fc00::1", "fd12:3456::1",                                  // IPv6 unique-local
      "224.0.0.1", "239.255.255.250", "ff02::1", "255.255.255.255", // multicast, broadcast
      "::ffff:10.0.0.1", "::ffff:127.0.0.1", "::127.0.0.1", "::10.1.2.3" // IPv4 inside IPv6
  })
  void refusesAddressesInsideTheNetwork(String literal) throws UnknownHostException {
    assertThat(TargetGuard.refusalOf(InetAddress.getByName(literal))).as(literal).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1", "172.15.255.255",
      "172.32.0.1", "192.167.1.1", "169.253.1.1", "2606:4700:4700::1111", "2001:db8::1", "fbff::1", "fe00::1"})
  void acceptsPublicAddresses(String literal) throws UnknownHostException {
    assertThat(TargetGuard.refusalOf(InetAddress.getByName(literal))).as(literal).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://example.com/hook", "file:///etc/passwd", "gopher://example.com/", "example.com/hook",
      "https://", "https://user:pw@example.com/hook", "http://exa mple.com/", ""})
  void refusesUrlsThatAreNotPlainHttpOrHttps(String url) {
    assertThatThrownBy(() -> TargetGuard.parse(url)).isInstanceOf(TargetGuard.Refused.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://example.com/hook", "http://example.com:8080/a/b?c=d", "HTTPS://Example.com", "http://[2606:4700::1]/x"})
  void acceptsHttpAndHttpsUrls(String url) {
    assertThat(TargetGuard.parse(url).getHost()).isNotEmpty();
  }
}
