package io.codedelivery.web;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
 * because either form may be sent; weak ETags because the compressed bytes are not the file's. A name that is not a
 * file of the root ({@link StaticFiles}) is a 404 at once; a file over {@link #MAX_BYTES} falls through to Vert.x's
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
  /** What the answer is for a name the list does not hold. */
  private static final Content NOT_A_FILE = new Content(0, 0, Buffer.buffer(), "", null);
  /** Names looked for on disk when not listed: plain ones only, nothing a decoder or a dot segment could turn elsewhere. */
  private static final Pattern PLAIN_PATH = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+");

  private final String root;
  private final String mountPath;
  private final String cacheControl;
  private final Map<String, Content> contents = new ConcurrentHashMap<>();
  private Future<StaticFiles> files;

  /** A file as read, with the size and date it had then (a file edited in place on disk is read again). */
  private record Content(long size, long lastModified, Buffer bytes, String etag, String contentType) {
  }

  private StaticCaching(String root, String mountPath, String cacheControl) {
    this.root = root;
    this.mountPath = mountPath;
    this.cacheControl = cacheControl;
  }

  /** Mounts the static routes; the future completes when their files are listed, before which none is served. */
  static Future<Void> mount(Vertx vertx, Router router, String webroot) {
    StaticCaching libraries = new StaticCaching(WEBJARS_ROOT, WEBJARS_PATH, IMMUTABLE);
    StaticCaching pages = new StaticCaching(webroot, "", REVALIDATE);
    router.route(WEBJARS_PATH + "/*").handler(libraries)
        .handler(StaticHandler.create(WEBJARS_ROOT).setMaxAgeSeconds(YEAR_SECONDS));
    router.route().handler(pages)
        // Its own caching (a day's immutable max-age) off: the policy is the no-cache above.
        .handler(StaticHandler.create(webroot).setCachingEnabled(false));
    return Future.all(libraries.list(vertx), pages.list(vertx)).mapEmpty();
  }

  private Future<StaticFiles> list(Vertx vertx) {
    files = vertx.executeBlocking(() -> StaticFiles.list(root));
    return files;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    String path = ctx.normalizedPath();
    if ((method != HttpMethod.GET && method != HttpMethod.HEAD) || !path.startsWith(mountPath) || !files.succeeded()) {
      ctx.next();
      return;
    }
    String relative = path.equals("/") && mountPath.isEmpty() ? "/index.html" : path.substring(mountPath.length());
    StaticFiles listed = files.result();
    StaticFiles.Source source = listed.find(relative);
    Future<StaticFiles.Source> found = source != null || !listed.onDisk() || !PLAIN_PATH.matcher(relative).matches()
        ? Future.succeededFuture(source)
        : ctx.vertx().executeBlocking(() -> listed.findAddedOnDisk(relative), false);
    found.compose(file -> file == null ? Future.succeededFuture(NOT_A_FILE) : contentOf(ctx.vertx(), relative, file))
        .onComplete(read -> {
          if (read.succeeded() && read.result() == NOT_A_FILE) {
            ctx.fail(404);
          } else if (read.failed()) {
            ctx.fail(read.cause());
          } else if (read.result() == null) {
            // Too large to hold, or gone from the disk since it was listed: the static handler answers it.
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

  /** The file's content (null when it is too large to hold); read once per process, and again if edited on disk. */
  private Future<Content> contentOf(Vertx vertx, String relative, StaticFiles.Source file) {
    Content known = contents.get(relative);
    if (file.disk() == null) {
      if (known != null || file.size() > MAX_BYTES) {
        return Future.succeededFuture(known);
      }
      return vertx.executeBlocking(file::readClassPath).map(bytes -> remember(relative, -1, -1, Buffer.buffer(bytes)));
    }
    FileSystem fileSystem = vertx.fileSystem();
    String disk = file.disk().toString();
    return fileSystem.props(disk).compose(props -> {
      if (props.size() > MAX_BYTES) {
        return Future.succeededFuture();
      }
      if (known != null && known.size() == props.size() && known.lastModified() == props.lastModifiedTime()) {
        return Future.succeededFuture(known);
      }
      return fileSystem.readFile(disk).map(bytes -> remember(relative, props.size(), props.lastModifiedTime(), bytes));
    }).recover(gone -> Future.succeededFuture());
  }

  /** Hashing a few hundred kilobytes takes about a millisecond, once per file and process. */
  private Content remember(String relative, long size, long lastModified, Buffer bytes) {
    String type = MimeMapping.mimeTypeForFilename(relative);
    Content content = new Content(size, lastModified, bytes, "W/\"" + hash(bytes.getBytes()) + "\"",
        type != null && type.startsWith("text") ? type + ";charset=UTF-8" : type);
    contents.put(relative, content);
    return content;
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
