package io.codedelivery.web;

import io.codedelivery.access.Access;
import io.codedelivery.access.Operator;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.ops.ApiError;
import io.codedelivery.ops.JsonResponse;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code /api/session}: signing in (a token for API clients and the same token as the page's session cookie:
 * HttpOnly, SameSite=Strict, Secure over TLS), who is signed in, signing out. A failed sign-in says only that the
 * name or the password is wrong, never which.
 */
final class SessionApi {
  private static final String BODY_EXAMPLE = "the body must be a JSON object like {\"username\":\"admin\",\"password\":\"…\"}";
  private static final int MAX_BODY_BYTES = 4096;
  private static final int MAX_NAME_CHARS = 100;

  private final AccessGuard guard;
  private final Access access;
  private final PipelineMetrics metrics;
  private final SameOrigin sameOrigin;

  SessionApi(AccessGuard guard, PipelineMetrics metrics, SameOrigin sameOrigin) {
    this.guard = guard;
    this.access = guard.access();
    this.metrics = metrics;
    this.sameOrigin = sameOrigin;
  }

  void mount(Router router) {
    router.post("/api/session").handler(new JsonOnly(metrics)).handler(sameOrigin)
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(this::signIn);
    router.get("/api/session").handler(this::who);
    router.delete("/api/session").handler(sameOrigin).handler(this::signOut);
  }

  private void signIn(RoutingContext ctx) {
    JsonObject body = JsonOnly.bodyObject(ctx, BODY_EXAMPLE);
    String username = text(body, "username", MAX_NAME_CHARS);
    String password = text(body, "password", 1_000);
    access.signIn(username, password, ctx.request().remoteAddress().hostAddress()).onComplete(done -> {
      if (done.failed()) {
        ApiError.send(ctx, 503, "sign-in is not available: the account store is not reachable; try again shortly");
        return;
      }
      Access.SignIn result = done.result();
      if (result instanceof Access.SignIn.Granted granted) {
        Operator operator = granted.operator();
        ctx.response().addCookie(sessionCookie(granted.token(), Duration.between(Instant.now(), operator.expiresAt()), ctx.request().isSSL()))
            .putHeader("cache-control", "no-store");
        JsonResponse.send(ctx, 200, operator.toJson().put("token", granted.token()));
      } else if (result instanceof Access.SignIn.Throttled throttled) {
        long seconds = Math.max(1, (throttled.retryAfter().toMillis() + 999) / 1000);
        metrics.clientFault("sign_in_throttled");
        ctx.response().putHeader("retry-after", String.valueOf(seconds));
        ApiError.send(ctx, 429, "too many failed sign-ins; try again in " + seconds + " s");
      } else {
        metrics.clientFault("sign_in_refused");
        AccessGuard.unauthorized(ctx, "wrong user name or password");
      }
    });
  }

  private static String text(JsonObject body, String field, int maxChars) {
    if (!(body.getValue(field) instanceof String value) || value.isEmpty() || value.length() > maxChars) {
      throw new BadParameter("'" + field + "' must be a non-empty string of at most " + maxChars + " characters");
    }
    return value;
  }

  private void who(RoutingContext ctx) {
    Operator operator = AccessGuard.operator(ctx);
    if (operator == null) {
      AccessGuard.unauthorized(ctx, "not signed in");
    } else {
      JsonResponse.send(ctx, 200, operator.toJson());
    }
  }

  private void signOut(RoutingContext ctx) {
    Operator operator = AccessGuard.operator(ctx);
    ctx.response().addCookie(sessionCookie("", Duration.ZERO, ctx.request().isSSL()));
    if (operator == null) {
      ctx.response().setStatusCode(204).end();
      return;
    }
    access.signOut(operator).onComplete(done -> ctx.response().setStatusCode(204).end());
  }

  static Cookie sessionCookie(String token, Duration maxAge, boolean overTls) {
    return Cookie.cookie(AccessGuard.SESSION_COOKIE, token).setPath("/").setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT).setSecure(overTls).setMaxAge(maxAge.toSeconds());
  }
}
