package io.codedelivery.webhooks;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Keeps webhooks off the inside of the network (SSRF): an endpoint must be http or https, and its host must resolve
 * only to public addresses — not loopback, any-local, link-local (the cloud metadata service at 169.254.169.254),
 * private (10/8, 172.16/12, 192.168/16, fc00::/7), carrier-grade NAT (100.64/10) or multicast — unless
 * {@code webhook.allow.private} says a receiver on this host or network is meant. Checked when a webhook is
 * registered and again before every attempt, whose request then goes to the address checked, so a DNS answer that
 * changed in between cannot lead it inside.
 */
public final class TargetGuard {
  private static final int MAX_URL_CHARS = 2048;

  private final Vertx vertx;
  private final boolean allowPrivate;

  public TargetGuard(Vertx vertx, boolean allowPrivate) {
    this.vertx = vertx;
    this.allowPrivate = allowPrivate;
  }

  /** Where an attempt goes: the URL's parts, and the address its host resolved to and was checked at. */
  public record Target(URI uri, boolean https, String host, int port, String requestUri, InetAddress address) {
  }

  /** Why a target was refused, in words for the API's 400 and for the attempt's record. */
  public static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The URL as a target, resolved off the event loop; fails with {@link Refused} saying why when it may not be used.
   */
  public Future<Target> check(String url) {
    URI uri;
    try {
      uri = parse(url);
    } catch (Refused refused) {
      return Future.failedFuture(refused);
    }
    return vertx.executeBlocking(() -> resolve(uri), false);
  }

  /** Checks what can be checked without the network: scheme, host, length. */
  static URI parse(String url) {
    if (url == null || url.isBlank() || url.length() > MAX_URL_CHARS) {
      throw new Refused("'url' must be an http or https URL of at most " + MAX_URL_CHARS + " characters");
    }
    URI uri;
    try {
      uri = new URI(url).parseServerAuthority();
    } catch (URISyntaxException e) {
      throw new Refused("'url' is not a valid URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new Refused("'url' must be http or https");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new Refused("'url' must name a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw new Refused("'url' may not carry a user name or password; the signature authenticates the request");
    }
    return uri;
  }

  private Target resolve(URI uri) {
    boolean https = uri.getScheme().equalsIgnoreCase("https");
    // IPv6 literals come bracketed; the resolver wants them bare.
    String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new Refused("the host " + host + " does not resolve");
    }
    if (!allowPrivate) {
      // Every address the name has: a client may be handed any of them.
      for (InetAddress address : addresses) {
        refusalOf(address).ifPresent(reason -> {
          throw new Refused("the host " + host + " resolves to " + address.getHostAddress() + ", " + reason
              + "; webhooks may only target public addresses (webhook.allow.private is off)");
        });
      }
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String requestUri = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
    return new Target(uri, https, host, port, requestUri, addresses[0]);
  }

  /** Why this address is not public, or empty when it is. */
  static Optional<String> refusalOf(InetAddress address) {
    if (address instanceof Inet6Address v6 && embeddedIpv4(v6) != null) {
      return refusalOf(embeddedIpv4(v6));
    }
    byte[] bytes = address.getAddress();
    int first = bytes[0] & 0xff;
    int second = bytes[1] & 0xff;
    if (address.isLoopbackAddress()) {
      return Optional.of("a loopback address");
    }
    if (address.isAnyLocalAddress() || (address instanceof Inet4Address && first == 0)) {
      return Optional.of("an any-local address");
    }
    if (address.isLinkLocalAddress()) {
      return Optional.of("a link-local address");
    }
    if (address.isSiteLocalAddress()) {
      return Optional.of("a private address");
    }
    if (address instanceof Inet4Address && first == 100 && (second & 0xc0) == 64) {
      return Optional.of("a carrier-grade NAT address (100.64.0.0/10)");
    }
    if (address instanceof Inet6Address && (first & 0xfe) == 0xfc) {
      return Optional.of("a unique-local address (fc00::/7)");
    }
    if (address.isMulticastAddress() || (address instanceof Inet4Address && first >= 240)) {
      return Optional.of("a multicast, broadcast or reserved address");
    }
    return Optional.empty();
  }

  /**
   * The IPv4 address inside an IPv4-compatible ({@code ::a.b.c.d}) IPv6 address, which reaches the IPv4 host; Java
   * already turns IPv4-mapped ones ({@code ::ffff:a.b.c.d}) into IPv4 addresses. Null for any other address.
   */
  private static InetAddress embeddedIpv4(Inet6Address address) {
    byte[] bytes = address.getAddress();
    boolean compatible = Arrays.equals(Arrays.copyOf(bytes, 12), new byte[12]) && !address.isLoopbackAddress()
        && !address.isAnyLocalAddress();
    if (!compatible) {
      return null;
    }
    try {
      return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
