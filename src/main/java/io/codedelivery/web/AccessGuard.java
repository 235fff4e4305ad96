package io.codedelivery.web;

import io.codedelivery.access.Access;
import io.codedelivery.access.Operator;
import io.codedelivery.access.OperatorRole.Permission;
import io.codedelivery.ops.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SimpleAuthenticationHandler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The checks in front of the routes: who is asking ({@link #identify}: a bearer token, or the page's session
 * cookie), whether they may ({@link #require}), and the CSRF check for writes a cookie authorizes: the browser
 * sends an {@code Origin} with every POST, PUT and DELETE, and it must be this site's own ({@link SameOrigin}); with
 * the cookie's SameSite=Strict that is two locks on the same door.
 */
final class AccessGuard {
  static final String SESSION_COOKIE = "cd_session";
  private static final String BEARER = "bearer ";
  private static final String VIA_COOKIE = "viaCookie";
  private static final String USER = "operator";
  private static final String ANONYMOUS = "anonymous";
  private static final String TOKEN = "sessionToken";
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final Access access;
  private final SameOrigin sameOrigin;

  AccessGuard(Access access, SameOrigin sameOrigin) {
    this.access = access;
    this.sameOrigin = sameOrigin;
  }

  Access access() {
    return access;
  }

  /**
   * Finds the operator behind the request, if any, and lets it through either way: the routes decide whether
   * they need one. A bearer token that is not valid is answered 401 at once, so an API client learns its token
   * expired instead of getting "forbidden"; a stale cookie is just no session.
   */
  Handler<RoutingContext> identify() {
    return ctx -> {
      String bearer = bearerToken(ctx.request());
      Cookie cookie = ctx.request().getCookie(SESSION_COOKIE);
      String token = bearer != null ? bearer : cookie == null ? null : cookie.getValue();
      if (token == null || token.isEmpty()) {
        ctx.next();
        return;
      }
      // The body (read later by a BodyHandler) must wait while the token is checked.
      boolean paused = !ctx.request().isEnded();
      if (paused) {
        ctx.request().pause();
      }
      access.operator(token).onComplete(found -> {
        if (paused) {
          ctx.request().resume();
        }
        if (found.succeeded() && found.result().isPresent()) {
          // Kept in the request's data rather than as its Vert.x user: setting that is internal API in Vert.x 5.
          ctx.put(USER, found.result().get().toUser());
          ctx.put(VIA_COOKIE, bearer == null);
          ctx.put(TOKEN, token);
          ctx.next();
        } else if (bearer != null && !isOpenDespiteAStaleToken(ctx)) {
          unauthorized(ctx, "the bearer token is not valid or has expired; sign in again (POST /api/session)");
        } else {
          ctx.next();
        }
      });
    };
  }

  /**
   * Makes the operator of a SockJS handshake (by its cookie: SockJS hides cookies from the connection) the Vert.x
   * user of the connection, which the bridge reads as {@code webUser()}; anyone else connects as a user with no
   * permission (a customer's page, which authorizes its one registration with its link's token).
   */
  Handler<RoutingContext> connectionUser() {
    return SimpleAuthenticationHandler.create().authenticate(ctx -> {
      Operator operator = operator(ctx);
      if (operator == null) {
        return Future.succeededFuture(User.fromName(ANONYMOUS));
      }
      User user = operator.toUser();
      // The connection outlives this request: the bridge checks the session again on each frame (sign-out, roles).
      user.attributes().put(TOKEN, ctx.<String>get(TOKEN));
      return Future.succeededFuture(user);
    });
  }

  /** The session token a SockJS connection was opened with (see {@link #connectionUser}); null for none. */
  static String connectionToken(User connectionUser) {
    return connectionUser == null ? null : connectionUser.attributes().getString(TOKEN);
  }

  /**
   * Tracking pages carry their own token in the path, and signing in is how a stale token is replaced: an
   * operator's stale header must hide neither.
   */
  private static boolean isOpenDespiteAStaleToken(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    return path.startsWith("/api/track/") || path.startsWith("/track/") || path.equals("/api/session");
  }

  static String bearerToken(HttpServerRequest request) {
    return bearerToken(request.getHeader("authorization"));
  }

  static String bearerToken(String header) {
    if (header == null || header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    return header.substring(BEARER.length()).trim();
  }

  /** 401 without an operator, 403 without the permission, 403 for a cookie-authorized write from another site. */
  Handler<RoutingContext> require(Permission permission) {
    return ctx -> {
      Operator operator = operator(ctx);
      if (operator == null) {
        unauthorized(ctx, "sign in first: POST /api/session, then send the token as 'Authorization: Bearer <token>'");
      } else if (!Operator.permits(ctx.get(USER), permission)) {
        ApiError.send(ctx, 403, "your roles " + operator.roles().stream().map(r -> r.wireName()).toList()
            + " do not allow this; it needs " + rolesAllowing(permission));
      } else if (isCrossSiteCookieWrite(ctx)) {
        refuseCrossSite(ctx);
      } else {
        ctx.next();
      }
    };
  }

  /** A write that only the session cookie authorizes, without this site's own Origin: what CSRF looks like. */
  boolean isCrossSiteCookieWrite(RoutingContext ctx) {
    return Boolean.TRUE.equals(ctx.get(VIA_COOKIE)) && !SAFE.contains(ctx.request().method()) && !fromThisSite(ctx.request());
  }

  static void refuseCrossSite(RoutingContext ctx) {
    ApiError.send(ctx, 403, "csrf", "a write authorized by the session cookie must come from this site's own pages (no matching Origin header)");
  }

  private boolean fromThisSite(HttpServerRequest request) {
    return request.getHeader("origin") != null && sameOrigin.allows(request);
  }

  private static String rolesAllowing(Permission permission) {
    return switch (permission) {
      case SEE_FLEET -> "viewer, dispatcher or admin";
      case DISPATCH -> "dispatcher or admin";
      case ADMINISTER -> "admin";
    };
  }

  /** Pages for operators: without a session, the sign-in page, which comes back here afterwards. */
  Handler<RoutingContext> page() {
    return ctx -> {
      if (operator(ctx) != null) {
        ctx.next();
        return;
      }
      String back = ctx.request().uri();
      ctx.response().setStatusCode(302).putHeader("location", "/signin?next=" + URLEncoder.encode(back, StandardCharsets.UTF_8))
          .putHeader("cache-control", "no-store").end();
    };
  }

  /** The operator {@link #identify} found behind the request; null when none. */
  static Operator operator(RoutingContext ctx) {
    return Operator.of(ctx.get(USER));
  }

  /** The request's path as logs may show it: a tracking link's token is the customer's key, so it is left out. */
  static String loggablePath(HttpServerRequest request) {
    return request.path().replaceFirst("/track/[^/]+", "/track/***");
  }

  static void unauthorized(RoutingContext ctx, String message) {
    ctx.response().putHeader("www-authenticate", "Bearer realm=\"code-delivery\"");
    ApiError.send(ctx, 401, message);
  }
}
