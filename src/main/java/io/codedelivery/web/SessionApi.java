package io.codedelivery.web;

import io.codedelivery.access.Access;
import io.codedelivery.access.Operator;
import io.codedelivery.config.AppConfig;
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
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/session}: signing in (a token for API clients and the same token as the page's session cookie:
 * HttpOnly, SameSite=Strict, Secure over TLS), who is signed in, signing out. A failed sign-in says only that the
 * name or the password is wrong, never which. With an OpenID Connect provider, {@code GET /api/session/oidc} sends the
 * browser to sign in there, and {@code /api/session/oidc/callback} opens the same session cookie when it comes back.
 */
final class SessionApi {
  private static final Logger LOG = LoggerFactory.getLogger(SessionApi.class);
  private static final String BODY_EXAMPLE = "the body must be a JSON object like {\"username\":\"admin\",\"password\":\"…\"}";
  private static final int MAX_BODY_BYTES = 4096;
  private static final int MAX_NAME_CHARS = 100;
  static final String OPEN_ID_PATH = "/api/session/oidc";
  static final String OPEN_ID_CALLBACK_PATH = OPEN_ID_PATH + "/callback";
  /** The sign-in under way at the provider, between leaving for it and coming back. */
  private static final String OPEN_ID_FLOW_COOKIE = "cd_oidc";
  /** A page to go on to after signing in: a path of this site, never "//host" or "/\\host" (another site). */
  private static final Pattern LOCAL_PATH = Pattern.compile("/(?![/\\\\])[A-Za-z0-9/_.~%?=&+-]{0,200}");

  private final AccessGuard guard;
  private final Access access;
  private final PipelineMetrics metrics;
  private final SameOrigin sameOrigin;
  private final Optional<String> openIdCallbackUrl;

  SessionApi(AccessGuard guard, AppConfig config, PipelineMetrics metrics, SameOrigin sameOrigin) {
    this.guard = guard;
    this.access = guard.access();
    this.openIdCallbackUrl = config.oidcRedirectUrl();
    this.metrics = metrics;
    this.sameOrigin = sameOrigin;
  }

  void mount(Router router) {
    router.post("/api/session").handler(new JsonOnly(metrics)).handler(sameOrigin)
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(this::signIn);
    router.get("/api/session").handler(this::who);
    router.delete("/api/session").handler(sameOrigin).handler(this::signOut);
    router.get(OPEN_ID_PATH).handler(this::toProvider);
    router.get(OPEN_ID_CALLBACK_PATH).handler(this::fromProvider);
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
    if (guard.isCrossSiteCookieWrite(ctx)) {
      AccessGuard.refuseCrossSite(ctx);
      return;
    }
    ctx.response().addCookie(sessionCookie("", Duration.ZERO, ctx.request().isSSL()));
    if (operator == null) {
      ctx.response().setStatusCode(204).end();
      return;
    }
    access.signOut(operator).onComplete(done -> ctx.response().setStatusCode(204).end());
  }

  /** Off to the provider's sign-in page; {@code ?next=} names the page to come back to. */
  private void toProvider(RoutingContext ctx) {
    if (!access.offersOpenIdSignIn()) {
      ApiError.send(ctx, 404, "sign-in through OpenID Connect is not configured (oidc.issuer)");
      return;
    }
    String next = ctx.queryParams().get("next");
    Access.ProviderRedirect redirect = access.beginOpenIdSignIn(callbackUrl(ctx),
        next != null && LOCAL_PATH.matcher(next).matches() ? next : "/");
    ctx.response().addCookie(openIdFlowCookie(redirect.flowToken(), Access.OPEN_ID_FLOW_TTL, ctx.request().isSSL()))
        .putHeader("cache-control", "no-store").putHeader("location", redirect.url()).setStatusCode(302).end();
  }

  /**
   * Back from the provider: on success the session cookie, and on to the page the sign-in began for; else back to
   * the sign-in page with {@code ?error=sso_no_role} (signed in there, but given no role here) or {@code sso_failed}.
   * <p>
   * The way on is a page that refreshes to it rather than a redirect: this request comes from the provider's site, and
   * browsers keep a navigation that began on another site cross-site through its redirects, so the SameSite=Strict
   * cookie would be left off the next request and the page would ask to sign in again. A refresh is a navigation this
   * site's own page begins, which carries the cookie.
   */
  private void fromProvider(RoutingContext ctx) {
    if (!access.offersOpenIdSignIn()) {
      ApiError.send(ctx, 404, "sign-in through OpenID Connect is not configured (oidc.issuer)");
      return;
    }
    Cookie flow = ctx.request().getCookie(OPEN_ID_FLOW_COOKIE);
    boolean overTls = ctx.request().isSSL();
    ctx.response().addCookie(openIdFlowCookie("", Duration.ZERO, overTls)).putHeader("cache-control", "no-store");
    access.finishOpenIdSignIn(flow == null ? null : flow.getValue(), ctx.queryParams().get("state"), ctx.queryParams().get("code"),
        callbackUrl(ctx)).onComplete(done -> {
          if (done.succeeded() && done.result() instanceof Access.ProviderSignIn.Granted granted) {
            Operator operator = granted.session().operator();
            ctx.response().addCookie(sessionCookie(granted.session().token(), Duration.between(Instant.now(), operator.expiresAt()), overTls));
            String next = escapeHtml(granted.next());
            ctx.response().putHeader("content-type", "text/html; charset=utf-8").setStatusCode(200).end("<!doctype html>"
                + "<html lang=\"en\"><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; url=" + next + "\">"
                + "<title>Signed in</title><p>Signed in as " + escapeHtml(operator.username()) + ". <a href=\"" + next + "\">Continue</a></p></html>");
            return;
          }
          String reason = done.succeeded() && done.result() instanceof Access.ProviderSignIn.Refused refused ? refused.reason() : "sso_failed";
          if (done.failed()) {
            LOG.warn("Sign-in through OpenID Connect failed: {}", done.cause().toString());
          }
          metrics.clientFault("sign_in_refused");
          ctx.response().putHeader("location", "/signin?error=" + reason).setStatusCode(302).end();
        });
  }

  /** Where the provider sends the browser back: {@code oidc.redirect.url}, else this server as the browser asked for it. */
  private String callbackUrl(RoutingContext ctx) {
    return openIdCallbackUrl.orElseGet(() -> ctx.request().scheme() + "://" + ctx.request().authority() + OPEN_ID_CALLBACK_PATH);
  }

  private static String escapeHtml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /**
   * Lax, not Strict: the browser must send it when the provider's site sends it back here (a top-level GET from
   * another site, which Lax allows and Strict does not). It holds no authority, only what the return must match.
   */
  private static Cookie openIdFlowCookie(String token, Duration maxAge, boolean overTls) {
    return Cookie.cookie(OPEN_ID_FLOW_COOKIE, token).setPath(OPEN_ID_PATH).setHttpOnly(true)
        .setSameSite(CookieSameSite.LAX).setSecure(overTls).setMaxAge(maxAge.toSeconds());
  }

  static Cookie sessionCookie(String token, Duration maxAge, boolean overTls) {
    return Cookie.cookie(AccessGuard.SESSION_COOKIE, token).setPath("/").setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT).setSecure(overTls).setMaxAge(maxAge.toSeconds());
  }
}
