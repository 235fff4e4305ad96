package io.codedelivery.web;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.file.FileProps;
import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * How browsers may keep the static files, so that a deploy reaches every user at their next page load and nothing is
 * fetched twice for nothing:
 * <ul>
 *   <li>{@code /webjars/…} (Leaflet, SockJS) carry their version in the path, so a file there never changes:
 *   {@value #IMMUTABLE}.</li>
 *   <li>Everything from {@code webroot/} (the pages, their scripts and styles, and {@code vendor/}, whose names carry
 *   no version) has a name that stays the same across deploys: {@code Cache-Control: no-cache}, which lets a browser
 *   keep it but makes it ask every time, with an ETag of the file's content so that the answer is an empty 304 until
 *   the file really changes. The tag is a hash of the bytes, not the file's date, so every instance behind a load
 *   balancer gives the same one, and a redeploy of the same files does not make browsers fetch them again.</li>
 * </ul>
 * Either may be sent compressed ({@link io.codedelivery.ops.HttpServers#web}), hence {@code Vary: Accept-Encoding},
 * and weak ETags (the compressed bytes differ from the file's).
 */
final class StaticCaching implements Handler<RoutingContext> {
  static final String IMMUTABLE = "public, max-age=31536000, immutable";
  static final String REVALIDATE = "no-cache";
  private static final int YEAR_SECONDS = 31_536_000;
  /** The paths this names a file for: plain names only, nothing a decoder or a dot segment could turn elsewhere. */
  private static final Pattern PLAIN_PATH = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*/?");

  private final String webroot;
  private final Map<String, Tag> tags = new ConcurrentHashMap<>();

  /** A file's ETag, and the size and date it was computed for (a file edited in place gets a new one). */
  private record Tag(long size, long lastModified, String etag) {
  }

  private StaticCaching(String webroot) {
    this.webroot = webroot;
  }

  static void mount(Router router, String webroot) {
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setMaxAgeSeconds(YEAR_SECONDS)
        .setCachingEnabled(true));
    router.route().handler(new StaticCaching(webroot));
    // Its own caching (a day's max-age, dates compared) off: the headers above are the policy.
    router.route().handler(StaticHandler.create(webroot).setCachingEnabled(false));
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    String path = ctx.normalizedPath();
    if ((method != HttpMethod.GET && method != HttpMethod.HEAD) || !PLAIN_PATH.matcher(path).matches()
        || (path.endsWith("/") && !path.equals("/"))) {
      ctx.next();
      return;
    }
    String file = webroot + (path.equals("/") ? "/index.html" : path);
    FileSystem files = ctx.vertx().fileSystem();
    files.props(file).compose(props -> props.isRegularFile() ? tagOf(files, file, props) : Future.succeededFuture((String) null))
        .onComplete(tagged -> {
          if (tagged.failed() || tagged.result() == null) {
            // Not a file of ours (or unreadable): the static handler answers it, 404 or otherwise.
            ctx.next();
            return;
          }
          String etag = tagged.result();
          HttpServerResponse response = ctx.response().putHeader(HttpHeaders.ETAG, etag)
              .putHeader(HttpHeaders.CACHE_CONTROL, REVALIDATE).putHeader(HttpHeaders.VARY, "accept-encoding");
          if (matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
            response.setStatusCode(304).end();
          } else {
            ctx.next();
          }
        });
  }

  private Future<String> tagOf(FileSystem files, String file, FileProps props) {
    Tag known = tags.get(file);
    if (known != null && known.size() == props.size() && known.lastModified() == props.lastModifiedTime()) {
      return Future.succeededFuture(known.etag());
    }
    // Read once per file and process (they are a few kilobytes); hashing that is far below a millisecond.
    return files.readFile(file).map(bytes -> {
      String etag = "W/\"" + hash(bytes.getBytes()) + "\"";
      tags.put(file, new Tag(props.size(), props.lastModifiedTime(), etag));
      return etag;
    });
  }

  private static String hash(byte[] content) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** If-None-Match compares weakly (RFC 9110 § 13.1.2): {@code W/"x"} and {@code "x"} are the same tag there. */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.strip();
      if (tag.equals("*") || (tag.startsWith("W/") ? tag.substring(2) : tag).equals(opaque)) {
        return true;
      }
    }
    return false;
  }
}
