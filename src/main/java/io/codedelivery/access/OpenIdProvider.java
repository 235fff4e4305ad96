package io.codedelivery.access;

import io.codedelivery.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenID Connect provider of {@code oidc.issuer}, discovered at start. Its tokens are checked by Vert.x's OAuth2
 * module against the provider's published keys (JWKS): signature, issuer, expiry, and this application's client id
 * as audience. Roles are read from the claim {@code oidc.roles.claim}; names that are no role here are ignored, and a
 * user left without a role is no operator.
 * <p>
 * Two ways in: an API client sends the provider's access token as a bearer token ({@link #bearer}); a browser signs
 * in through the authorization code flow with PKCE, state and nonce ({@link #authorization}, {@link #signIn}).
 */
final class OpenIdProvider {
  private static final Logger LOG = LoggerFactory.getLogger(OpenIdProvider.class);
  /** Clocks of the provider and of this server may differ by this much. */
  private static final int LEEWAY_SECONDS = 30;
  /** A token naming a key the provider has not published yet reloads its keys, but not more often than this. */
  private static final long KEY_RELOAD_MIN_MS = 60_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final OAuth2Auth auth;
  private final String clientId;
  private final List<String> rolesClaim;
  private volatile long lastKeyReloadMs;

  /** Who the provider vouched for: a name for logs and the page, the roles known here, and until when. */
  record Identity(String username, Set<OperatorRole> roles, Instant expiresAt) {
  }

  /** Why a browser's sign-in through the provider did not open a session, as the sign-in page is told. */
  static final class Refused extends RuntimeException {
    static final String NO_ROLE = "sso_no_role";
    static final String FAILED = "sso_failed";
    private final String reason;

    Refused(String reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }

    String reason() {
      return reason;
    }
  }

  /** Where the browser goes to sign in, and what its return must match (kept by the browser, signed). */
  record Authorization(String url, JsonObject flow) {
  }

  private OpenIdProvider(OAuth2Auth auth, String clientId, String rolesClaim) {
    this.auth = auth;
    this.clientId = clientId;
    this.rolesClaim = List.of(rolesClaim.split("\\."));
  }

  /** Reads the provider's discovery document and keys; fails with what to check when they cannot be read. */
  static Future<OpenIdProvider> discover(Vertx vertx, AppConfig config) {
    String issuer = config.oidcIssuer().orElseThrow().replaceFirst("/+$", "");
    if (config.oidcClientId().isEmpty()) {
      return Future.failedFuture(new IllegalStateException("oidc.issuer is set but oidc.client.id is not: set OIDC_CLIENT_ID to "
          + "this application's client id at " + issuer));
    }
    OAuth2Options options = new OAuth2Options().setSite(issuer).setClientId(config.oidcClientId())
        .setJWTOptions(new JWTOptions().setLeeway(LEEWAY_SECONDS));
    if (!config.oidcClientSecret().isEmpty()) {
      options.setClientSecret(config.oidcClientSecret());
    }
    return OpenIDConnectAuth.discover(vertx, options)
        .recover(e -> Future.failedFuture(new IllegalStateException("The OpenID Connect provider oidc.issuer=" + issuer
            + " could not be discovered: " + e.getMessage() + ". Check the URL and that " + issuer
            + "/.well-known/openid-configuration and its jwks_uri are reachable from this server.", e)))
        .compose(discovered -> {
          discovered.close();
          // The same endpoints without introspection and userinfo: the module would otherwise ask the provider about
          // every token it cannot validate itself (an expired one, a forged one), a round trip per bad request.
          // Tokens must be JWTs signed with a published key, as those of Keycloak, Entra ID, Auth0, Okta… are.
          OAuth2Auth local = OAuth2Auth.create(vertx, new OAuth2Options(options).setIntrospectionPath(null).setUserInfoPath(null));
          OpenIdProvider provider = new OpenIdProvider(local, config.oidcClientId(), config.oidcRolesClaim());
          local.missingKeyHandler(provider::reloadKeys);
          return local.jWKSet().map(provider);
        })
        .onSuccess(provider -> LOG.info("Operators may sign in through OpenID Connect provider {} (roles from claim '{}')",
            issuer, config.oidcRolesClaim()));
  }

  /** The provider rotated its keys: a token names one not seen yet. Reloaded at most once a minute, whatever tokens come. */
  private void reloadKeys(String keyId) {
    long now = System.currentTimeMillis();
    if (now - lastKeyReloadMs < KEY_RELOAD_MIN_MS) {
      return;
    }
    lastKeyReloadMs = now;
    auth.jWKSet().onFailure(e -> LOG.warn("Could not reload the OpenID Connect provider's keys: {}", e.getMessage()));
  }

  /** The identity behind an access token of the provider for this application; empty for any other token. */
  Future<Optional<Identity>> bearer(String token) {
    return auth.authenticate(new TokenCredentials(token)).map(user -> {
      // Present only when the module validated the token itself: signature, issuer, expiry, and an audience it has.
      JsonObject claims = user.attributes().getJsonObject("accessToken");
      if (claims == null || !audienceIncludesClient(claims) || claims.getValue("exp") == null) {
        return Optional.<Identity>empty();
      }
      return identity(claims, List.of(claims));
    }).otherwise(Optional.empty());
  }

  /** The module checks the audience only when the token has one: a token for no audience in particular is not ours. */
  private boolean audienceIncludesClient(JsonObject claims) {
    Object audience = claims.getValue("aud");
    return clientId.equals(audience) || audience instanceof JsonArray list && list.contains(clientId);
  }

  /** The provider's sign-in page for a browser, and what its return to {@code callbackUrl} must match. */
  Authorization authorization(String callbackUrl, String next) {
    String state = random(16);
    String verifier = random(32);
    String nonce = random(16);
    String url = auth.authorizeURL(new OAuth2AuthorizationURL()
        .setRedirectUri(callbackUrl)
        .setScopes(List.of("openid", "profile", "email"))
        .setState(state)
        .setCodeChallenge(challenge(verifier))
        .setCodeChallengeMethod("S256")
        .putAdditionalParameter("nonce", nonce));
    return new Authorization(url, new JsonObject().put("state", state).put("verifier", verifier).put("nonce", nonce).put("next", next));
  }

  /**
   * The browser came back with a code: it must be the sign-in this browser began (state), the code is traded for
   * tokens with the PKCE verifier, and the ID token must be for this sign-in (nonce) and still valid. Fails with
   * {@link Refused}.
   */
  Future<Identity> signIn(JsonObject flow, String state, String code, String callbackUrl) {
    if (state == null || code == null || !state.equals(flow.getString("state"))) {
      return Future.failedFuture(new Refused(Refused.FAILED, "the provider's answer is not for the sign-in this browser began (state)"));
    }
    return auth.authenticate(new Oauth2Credentials().setFlow(OAuth2FlowType.AUTH_CODE).setCode(code)
            .setRedirectUri(callbackUrl).setCodeVerifier(flow.getString("verifier")))
        .recover(e -> Future.failedFuture(new Refused(Refused.FAILED, "the code could not be traded for tokens: " + e.getMessage())))
        .compose(user -> identityOf(user, flow.getString("nonce")));
  }

  private Future<Identity> identityOf(User user, String nonce) {
    JsonObject idToken = user.attributes().getJsonObject("idToken");
    if (idToken == null) {
      return Future.failedFuture(new Refused(Refused.FAILED, "the provider sent no ID token this server could validate"));
    }
    if (nonce == null || !nonce.equals(idToken.getString("nonce"))) {
      return Future.failedFuture(new Refused(Refused.FAILED, "the ID token is not for this sign-in (nonce)"));
    }
    long exp = idToken.getLong("exp", 0L);
    if (exp + LEEWAY_SECONDS < Instant.now().getEpochSecond()) {
      return Future.failedFuture(new Refused(Refused.FAILED, "the ID token has expired"));
    }
    // Roles may be in either token (Keycloak puts realm roles in the access token only, unless told otherwise).
    List<JsonObject> roleSources = new ArrayList<>();
    Optional.ofNullable(user.attributes().getJsonObject("accessToken")).ifPresent(roleSources::add);
    roleSources.add(idToken);
    return identity(idToken, roleSources).map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(new Refused(Refused.NO_ROLE, "the provider gave '" + name(idToken)
            + "' no role of " + OperatorRole.wireNames() + " in claim '" + String.join(".", rolesClaim) + "'")));
  }

  /** The user the claims name, with the roles of the first source that has the roles claim; empty without a role. */
  private Optional<Identity> identity(JsonObject claims, List<JsonObject> roleSources) {
    String username = name(claims);
    Set<OperatorRole> roles = EnumSet.noneOf(OperatorRole.class);
    for (JsonObject source : roleSources) {
      Object value = claimValue(source);
      if (value != null) {
        roleNames(value).forEach(name -> OperatorRole.fromWireName(name.toLowerCase(Locale.ROOT)).ifPresent(roles::add));
        break;
      }
    }
    if (username == null || roles.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Identity(username, roles, Instant.ofEpochSecond(claims.getLong("exp", 0L))));
  }

  private static String name(JsonObject claims) {
    for (String claim : new String[] {"preferred_username", "email", "sub"}) {
      if (claims.getValue(claim) instanceof String value && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }

  /** The roles claim, following its dots into nested objects ({@code realm_access.roles}). */
  private Object claimValue(JsonObject claims) {
    Object value = claims;
    for (String step : rolesClaim) {
      if (!(value instanceof JsonObject object)) {
        return null;
      }
      value = object.getValue(step);
    }
    return value;
  }

  /** A list of names, or one string of names separated by spaces or commas (as some providers send them). */
  private static List<String> roleNames(Object value) {
    if (value instanceof JsonArray array) {
      return array.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
    return value instanceof String text ? List.of(text.split("[\\s,]+")) : List.of();
  }

  private static String random(int bytes) {
    byte[] value = new byte[bytes];
    RANDOM.nextBytes(value);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
  }

  /** RFC 7636's S256: the verifier's SHA-256, base64url. */
  private static String challenge(String verifier) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
