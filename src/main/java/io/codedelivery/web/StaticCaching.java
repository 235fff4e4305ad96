package io.codedelivery.web;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileProps;
import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.MimeMapping;
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
 * Serves the static files so that a deploy reaches every user at their next page load, nothing unchanged is fetched
 * twice, and text goes compressed to a browser that accepts it:
 * <ul>
 *   <li>{@code /webjars/…} (Leaflet, SockJS) carry their version in the path, so a file there never changes:
 *   {@value #IMMUTABLE}.</li>
 *   <li>Everything from {@code webroot/} (the pages, their scripts and styles, and {@code vendor/}, whose names carry
 *   no version) keeps its name across deploys: {@code Cache-Control: no-cache}, which lets a browser keep it but makes
 *   it ask every time, with an ETag of the file's content, so that the answer is an empty 304 until the file really
 *   changes. The tag is a hash of the bytes, not the file's date, so every instance behind a load balancer gives the
 *   same one, and a redeploy of the same files costs browsers nothing.</li>
 * </ul>
 * The files are answered from memory (read once per process, again if one changes on disk), not with Vert.x's
 * {@code sendFile}: that sends a file as it is on disk and so is never compressed. {@code Vary: Accept-Encoding}
 * because either form may be sent; weak ETags because the compressed bytes are not the file's. What this does not
 * serve (a name with unusual characters, a directory, a file over {@link #MAX_BYTES}) falls through to Vert.x's
 * {@link StaticHandler}, uncompressed.
 */
final class StaticCaching implements Handler<RoutingContext> {
  static final String IMMUTABLE = "public, max-age=31536000, immutable";
  static final String REVALIDATE = "no-cache";
  private static final int YEAR_SECONDS = 31_536_000;
  private static final String WEBJARS_PATH = "/webjars";
  private static final String WEBJARS_ROOT = "META-INF/resources/webjars";
  /** Larger files go out through the static handler, from disk rather than memory. */
  static final long MAX_BYTES = 2 * 1024 * 1024;
  /** The paths this names a file for: plain names only, nothing a decoder or a dot segment could turn elsewhere. */
  private static final Pattern PLAIN_PATH = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+");

  private final String root;
  private final String mountPath;
  private final String cacheControl;
  private final Map<String, Content> files = new ConcurrentHashMap<>();

  /** A file as read, with the size and date it had then (a file edited in place is read again). */
  private record Content(long size, long lastModified, Buffer bytes, String etag, String contentType) {
  }

  private StaticCaching(String root, String mountPath, String cacheControl) {
    this.root = root;
    this.mountPath = mountPath;
    this.cacheControl = cacheControl;
  }

  static void mount(Router router, String webroot) {
    router.route(WEBJARS_PATH + "/*").handler(new StaticCaching(WEBJARS_ROOT, WEBJARS_PATH, IMMUTABLE))
        .handler(StaticHandler.create(WEBJARS_ROOT).setMaxAgeSeconds(YEAR_SECONDS));
    router.route().handler(new StaticCaching(webroot, "", REVALIDATE))
        // Its own caching (a day's immutable max-age) off: the policy is the no-cache above.
        .handler(StaticHandler.create(webroot).setCachingEnabled(false));
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    String path = ctx.normalizedPath();
    String relative = path.equals("/") && mountPath.isEmpty() ? "/index.html" : path.substring(Math.min(mountPath.length(), path.length()));
    if ((method != HttpMethod.GET && method != HttpMethod.HEAD) || !path.startsWith(mountPath) || !PLAIN_PATH.matcher(relative).matches()) {
      ctx.next();
      return;
    }
    String file = root + relative;
    FileSystem fileSystem = ctx.vertx().fileSystem();
    fileSystem.props(file)
        .compose(props -> props.isRegularFile() && props.size() <= MAX_BYTES ? contentOf(fileSystem, file, props) : Future.succeededFuture())
        .onComplete(read -> {
          if (read.failed() || read.result() == null) {
            // Not a file this serves: the static handler answers it, 404 or otherwise.
            ctx.next();
          } else {
            send(ctx, read.result());
          }
        });
  }

  private void send(RoutingContext ctx, Content content) {
    HttpServerResponse response = ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, cacheControl)
        .putHeader(HttpHeaders.ETAG, content.etag()).putHeader(HttpHeaders.VARY, "accept-encoding");
    if (matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), content.etag())) {
      response.setStatusCode(304).end();
      return;
    }
    if (content.contentType() != null) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, content.contentType());
    }
    if (ctx.request().method() == HttpMethod.HEAD) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(content.bytes().length())).end();
    } else {
      response.end(content.bytes());
    }
  }

  private Future<Content> contentOf(FileSystem fileSystem, String file, FileProps props) {
    Content known = files.get(file);
    if (known != null && known.size() == props.size() && known.lastModified() == props.lastModifiedTime()) {
      return Future.succeededFuture(known);
    }
    // Once per file and process; hashing a few hundred kilobytes takes about a millisecond.
    return fileSystem.readFile(file).map(bytes -> {
      String type = MimeMapping.mimeTypeForFilename(file);
      Content content = new Content(props.size(), props.lastModifiedTime(), bytes, "W/\"" + hash(bytes.getBytes()) + "\"",
          type != null && type.startsWith("text") ? type + ";charset=UTF-8" : type);
      files.put(file, content);
      return content;
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
