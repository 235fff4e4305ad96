package io.codedelivery.access;

import io.codedelivery.config.AppConfig;
import io.codedelivery.persistence.DeliveryQueries;
import io.codedelivery.persistence.Store;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the web role asks about access: sign-in and sign-out (with a password, or through the OpenID Connect provider
 * of {@code oidc.issuer} when one is set), the operator a token stands for, and the accounts themselves. One per
 * process, shared by its web verticles (its state is thread-safe).
 */
public final class Access {
  private static final Logger LOG = LoggerFactory.getLogger(Access.class);
  static final String FIRST_ADMIN = "admin";
  static final String PASSWORD_FILE = "initial-admin-password";
  /** A session found (or found gone) is believed this long: a sign-out reaches every process within it. */
  private static final long SESSION_CACHE_MS = 5_000;
  private static final int SESSION_CACHE_MAX = 100_000;
  private static final int LINK_CACHE_MAX = 100_000;
  /** Each hash keeps a core busy for tens of milliseconds: more at once would only queue on the worker pool. */
  private static final int MAX_HASHES_AT_ONCE = 2 * Runtime.getRuntime().availableProcessors();

  private final Vertx vertx;
  private final AppConfig config;
  private final AccountStore store;
  private final Tokens tokens;
  private final Passwords passwords;
  private final SignInThrottle throttle;
  private final Map<String, CachedSession> sessions = new ConcurrentHashMap<>();
  /**
   * Links made, by delivery and version: a link never changes, and a page of 100 deliveries would otherwise sign 100
   * tokens (under one lock, shared by the web verticles) on every list request.
   */
  private final Map<String, String> links = new ConcurrentHashMap<>();
  /** Password hashes being computed now, by this process. */
  private final AtomicInteger hashing = new AtomicInteger();
  /** The OpenID Connect provider; null when {@code oidc.issuer} is blank. */
  private final OpenIdProvider openId;

  private Access(Vertx vertx, AppConfig config, AccountStore store, Tokens tokens, OpenIdProvider openId) {
    this.vertx = vertx;
    this.config = config;
    this.store = store;
    this.tokens = tokens;
    this.openId = openId;
    this.passwords = new Passwords(vertx);
    this.throttle = new SignInThrottle(config.authMaxFailuresPerMinute());
  }

  /**
   * Discovers the OpenID Connect provider when one is configured (failing when it cannot be reached), loads the
   * signing key and creates the first admin when there is no user yet.
   */
  public static Future<Access> create(Vertx vertx, AppConfig config) {
    Future<OpenIdProvider> openId = config.oidcIssuer().isPresent() ? OpenIdProvider.discover(vertx, config) : Future.succeededFuture();
    return openId.compose(provider -> create(vertx, config, provider));
  }

  private static Future<Access> create(Vertx vertx, AppConfig config, OpenIdProvider openId) {
    MongoClient mongo = Store.client(vertx, config, Store.Pool.ACCESS);
    AccountStore store = new AccountStore(mongo);
    return Tokens.create(vertx, config, mongo)
        .map(tokens -> new Access(vertx, config, store, tokens, openId))
        .compose(access -> access.ensureFirstAdmin().map(access));
  }

  private Future<Void> ensureFirstAdmin() {
    return store.count().compose(users -> {
      if (users > 0) {
        return Future.succeededFuture();
      }
      boolean given = !config.adminPassword().isBlank();
      String password = given ? config.adminPassword() : Passwords.random();
      return passwords.hash(password)
          .compose(hash -> store.create(new Account(FIRST_ADMIN, EnumSet.of(OperatorRole.ADMIN), Instant.now()), hash))
          .compose(created -> created ? announceFirstAdmin(given, password) : Future.succeededFuture());
    });
  }

  /** The one time a secret is logged: the generated first password, so that the README's first command is enough. */
  private Future<Void> announceFirstAdmin(boolean given, String password) {
    if (given) {
      LOG.info("Created user '{}' with the password from ADMIN_PASSWORD", FIRST_ADMIN);
      return Future.succeededFuture();
    }
    Path file = config.dataDir().resolve(PASSWORD_FILE);
    return vertx.executeBlocking(() -> {
      writeOwnerOnly(file, password);
      return null;
    }).onSuccess(written -> LOG.warn("Created user '{}' with password {} (also in {}, readable by this user only); "
        + "sign in at /signin and change it on /users", FIRST_ADMIN, password, file.toAbsolutePath())).mapEmpty();
  }

  private static void writeOwnerOnly(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    }
    Files.writeString(file, content + System.lineSeparator());
  }

  /** What a sign-in came to. */
  public sealed interface SignIn {
    record Granted(String token, Operator operator) implements SignIn {
    }

    record Refused() implements SignIn {
    }

    record Throttled(Duration retryAfter) implements SignIn {
    }
  }

  /**
   * Checks a password. The attempt counts against the throttle before its hash is computed and is taken back only
   * when it succeeds, so a burst of parallel guesses is held to the limit as well; and at most
   * {@link #MAX_HASHES_AT_ONCE} hashes run at once, so sign-ins cannot take every worker thread.
   */
  public Future<SignIn> signIn(String username, String password, String clientAddress) {
    List<String> keys = SignInThrottle.keys(clientAddress, username);
    long now = System.currentTimeMillis();
    Optional<Duration> wait = throttle.retryAfter(keys, now);
    if (wait.isPresent()) {
      return Future.succeededFuture(new SignIn.Throttled(wait.get()));
    }
    if (hashing.incrementAndGet() > MAX_HASHES_AT_ONCE) {
      hashing.decrementAndGet();
      return Future.succeededFuture(new SignIn.Throttled(Duration.ofSeconds(1)));
    }
    throttle.failed(keys, now);
    return store.find(username).compose(found -> passwords.matches(found.map(AccountStore.StoredUser::passwordHash).orElse(null), password)
        .compose(matches -> {
          if (!matches || found.get().account().roles().isEmpty()) {
            LOG.info("Failed sign-in from {}", clientAddress);
            return Future.succeededFuture(new SignIn.Refused());
          }
          throttle.succeeded(keys, now);
          return open(found.get().account().username(), found.get().account().roles(), null);
        })).onComplete(done -> hashing.decrementAndGet());
  }


  /**
   * Opens a session for {@code auth.session.ttl.minutes}: for an account of this store ({@code issuer} null), or for
   * a user an OpenID Connect provider vouched for, with the roles it gave them at sign-in.
   */
  private Future<SignIn> open(String username, Set<OperatorRole> roles, String issuer) {
    Duration ttl = config.authSessionTtl();
    Instant now = Instant.now();
    Operator operator = new Operator(username, roles, UUID.randomUUID().toString(), now.plus(ttl));
    store.forgetExpiredSessions(now).onFailure(e -> LOG.debug("Expired sessions not removed: {}", e.toString()));
    return store.open(new AccountStore.Session(operator.sessionId(), operator.username(), operator.roles(), operator.expiresAt(), issuer))
        .map(opened -> {
          LOG.info("User '{}' signed in{}", username, issuer == null ? "" : " through " + issuer);
          return new SignIn.Granted(tokens.session(operator.sessionId(), operator.username(), ttl), operator);
        });
  }

  /** Opens a session for a user of an external identity provider, with the roles it gave them. */
  public Future<SignIn.Granted> openExternalSession(String username, Set<OperatorRole> roles, String issuer) {
    return open(username, roles, issuer).map(SignIn.Granted.class::cast);
  }

  // Signing in through the OpenID Connect provider.

  /** Whether operators may sign in through an OpenID Connect provider ({@code oidc.issuer}). */
  public boolean offersOpenIdSignIn() {
    return openId != null;
  }

  /**
   * Where to send a browser to sign in at the provider, and the token of this sign-in for the browser to keep until
   * it comes back to {@code callbackUrl} ({@link #finishOpenIdSignIn}); {@code next} is the page to go on to.
   */
  public record ProviderRedirect(String url, String flowToken) {
  }

  /** How long a browser may take at the provider's sign-in page. */
  public static final Duration OPEN_ID_FLOW_TTL = Duration.ofMinutes(10);

  public ProviderRedirect beginOpenIdSignIn(String callbackUrl, String next) {
    OpenIdProvider.Authorization authorization = provider().authorization(callbackUrl, next);
    return new ProviderRedirect(authorization.url(), tokens.openIdFlow(authorization.flow(), OPEN_ID_FLOW_TTL));
  }

  /** What a browser's return from the provider came to: a session and the page to go on to, or why not. */
  public sealed interface ProviderSignIn {
    record Granted(SignIn.Granted session, String next) implements ProviderSignIn {
    }

    /** @param reason {@code sso_no_role} (the provider gave no role of this application) or {@code sso_failed} */
    record Refused(String reason) implements ProviderSignIn {
    }
  }

  /**
   * The browser came back from the provider with {@code state} and {@code code}: checked against the sign-in it
   * began ({@code flowToken}), traded for the user's tokens, and a session opened when they give the user a role.
   * Fails only when the session cannot be stored.
   */
  public Future<ProviderSignIn> finishOpenIdSignIn(String flowToken, String state, String code, String callbackUrl) {
    OpenIdProvider provider = provider();
    Future<JsonObject> flow = flowToken == null ? Future.failedFuture(new OpenIdProvider.Refused(OpenIdProvider.Refused.FAILED,
        "no sign-in under way in this browser (its cookie is missing or expired)")) : tokens.verify(flowToken)
        .compose(claims -> Tokens.isOfType(claims, Tokens.OPEN_ID_FLOW) ? Future.succeededFuture(claims)
            : Future.failedFuture(new OpenIdProvider.Refused(OpenIdProvider.Refused.FAILED, "not a sign-in token")))
        .recover(e -> Future.failedFuture(e instanceof OpenIdProvider.Refused ? e
            : new OpenIdProvider.Refused(OpenIdProvider.Refused.FAILED, "the sign-in under way has expired or was tampered with")));
    return flow.compose(claims -> provider.signIn(claims, state, code, callbackUrl)
            .compose(identity -> openExternalSession(identity.username(), identity.roles(), config.oidcIssuer().orElseThrow()))
            .<ProviderSignIn>map(session -> new ProviderSignIn.Granted(session, claims.getString("next", "/"))))
        .recover(e -> {
          if (e instanceof OpenIdProvider.Refused refused) {
            LOG.info("Sign-in through OpenID Connect refused: {}", refused.getMessage());
            return Future.succeededFuture(new ProviderSignIn.Refused(refused.reason()));
          }
          return Future.failedFuture(e);
        });
  }

  private OpenIdProvider provider() {
    if (openId == null) {
      throw new IllegalStateException("no OpenID Connect provider is configured (oidc.issuer)");
    }
    return openId;
  }

  public Future<Void> signOut(Operator operator) {
    if (operator.sessionId() == null) {
      return Future.succeededFuture();
    }
    sessions.remove(operator.sessionId());
    return store.close(operator.sessionId());
  }

  /**
   * The operator a token stands for: a session token while its session is open, or an access token of the OpenID
   * Connect provider for this application whose roles claim names a role here (no session: it lasts as long as the
   * token). Empty for anything else.
   */
  public Future<Optional<Operator>> operator(String token) {
    return tokens.verify(token).compose(this::sessionOperator, notSignedHere -> providerOperator(token))
        .otherwise(Optional.empty());
  }

  private Future<Optional<Operator>> sessionOperator(JsonObject claims) {
    if (!Tokens.isOfType(claims, Tokens.SESSION)) {
      return Future.succeededFuture(Optional.empty());
    }
    return session(claims.getString("sid")).map(found -> found.map(
        session -> new Operator(session.username(), session.roles(), session.id(), Tokens.expiry(claims))));
  }

  private Future<Optional<Operator>> providerOperator(String token) {
    if (openId == null) {
      return Future.succeededFuture(Optional.empty());
    }
    return openId.bearer(token).map(found -> found.map(
        identity -> new Operator(identity.username(), identity.roles(), null, identity.expiresAt())));
  }

  /**
   * The stored session, read at most once per {@link #SESSION_CACHE_MS} however many requests ask: requests that
   * ask while it is being read share that read.
   */
  private Future<Optional<AccountStore.Session>> session(String id) {
    if (id == null) {
      return Future.succeededFuture(Optional.empty());
    }
    long now = System.currentTimeMillis();
    CachedSession cached = sessions.get(id);
    if (cached != null && now - cached.fetchedAtMs() < SESSION_CACHE_MS) {
      return onCallersContext(cached.session());
    }
    if (sessions.size() > SESSION_CACHE_MAX) {
      sessions.clear();
    }
    Future<Optional<AccountStore.Session>> read = store.session(id);
    sessions.put(id, new CachedSession(read, now));
    // A failed read is not remembered: the next request asks the store again.
    read.onFailure(e -> sessions.remove(id));
    return read;
  }

  private record CachedSession(Future<Optional<AccountStore.Session>> session, long fetchedAtMs) {
  }

  /**
   * A read another verticle started completes on that verticle's event loop; the caller (a request on another
   * web verticle) must carry on on its own.
   */
  private static <T> Future<T> onCallersContext(Future<T> shared) {
    if (shared.isComplete()) {
      return shared.succeeded() ? Future.succeededFuture(shared.result()) : Future.failedFuture(shared.cause());
    }
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return shared;
    }
    Promise<T> own = Promise.promise();
    shared.onComplete(done -> caller.runOnContext(v -> own.handle(done)));
    return own.future();
  }

  // Customers' tracking links.

  /** What a tracking link's token claims: a delivery, and the link's version. */
  public record LinkClaim(String deliveryId, int version) {
  }

  /** The address of a delivery's tracking page, at the delivery's current link version. */
  public String trackingUrl(String deliveryId, int version) {
    String key = deliveryId + ':' + version;
    String url = links.get(key);
    if (url == null) {
      if (links.size() > LINK_CACHE_MAX) {
        links.clear();
      }
      url = "/track/" + tokens.trackingLink(deliveryId, version);
      links.put(key, url);
    }
    return url;
  }

  /** The delivery a link names, when the token is one this server signed as a link; empty when tampered or foreign. */
  Future<Optional<LinkClaim>> linkClaim(String token) {
    return tokens.verify(token).map(claims -> Tokens.isOfType(claims, Tokens.TRACKING_LINK) && claims.getString("sub") != null
        ? Optional.of(new LinkClaim(claims.getString("sub"), claims.getInteger("v", 0)))
        : Optional.<LinkClaim>empty()).otherwise(Optional.empty());
  }

  /**
   * Whether a link still opens its delivery, given the delivery as stored: revoked when the delivery's link version
   * moved past it, expired {@code tracking.link.ttl} after the delivery ended.
   */
  Optional<Refusal> linkRefusal(LinkClaim claim, JsonObject delivery, Instant now) {
    if (delivery.getInteger(DeliveryQueries.LINK_VERSION, 0) != claim.version()) {
      return Optional.of(new Refusal(403, "link_revoked"));
    }
    Instant ended = Optional.ofNullable(delivery.getString("finishedAt")).or(() -> Optional.ofNullable(delivery.getString("endedAt")))
        .map(Instant::parse).orElse(null);
    if (ended != null && now.isAfter(ended.plus(config.trackingLinkTtl()))) {
      return Optional.of(new Refusal(403, "link_expired"));
    }
    return Optional.empty();
  }

  /** What opening a tracking link came to: its delivery as stored (null while not stored yet), or why not. */
  public record LinkVerdict(String deliveryId, JsonObject delivery, Refusal refusal) {
    public boolean opened() {
      return refusal == null;
    }
  }

  /**
   * Opens a link: its token must be one this server signed as a link, its delivery must exist, and the link must be
   * neither revoked nor expired. {@code lookup} reads the delivery as the API shows it.
   */
  public Future<LinkVerdict> openLink(String token, Function<String, Future<Optional<JsonObject>>> lookup) {
    return linkClaim(token).compose(claim -> {
      if (claim.isEmpty()) {
        return Future.succeededFuture(new LinkVerdict(null, null, new Refusal(401, "invalid_link")));
      }
      String id = claim.get().deliveryId();
      return lookup.apply(id).map(found -> found
          .map(delivery -> new LinkVerdict(id, delivery, linkRefusal(claim.get(), delivery, Instant.now()).orElse(null)))
          // A delivery just started may not be stored yet: its first link already works (nothing can have revoked it).
          .orElseGet(() -> new LinkVerdict(id, null, claim.get().version() == 0 ? null : new Refusal(404, "not_found"))));
    });
  }

  // Accounts, for the users API.

  /** Why an account change was refused, as the users API answers it. */
  public record Refusal(int status, String message) {
  }

  public Future<List<Account>> accounts() {
    return store.list();
  }

  public Future<Optional<Refusal>> createAccount(String username, String password, Set<OperatorRole> roles) {
    String problem = Passwords.problemWith(password);
    if (problem != null) {
      return Future.succeededFuture(Optional.of(new Refusal(400, problem)));
    }
    return passwords.hash(password).compose(hash -> store.create(new Account(username, roles, Instant.now()), hash))
        .map(created -> created ? Optional.empty() : Optional.of(new Refusal(409, "a user named '" + username + "' exists already")));
  }

  /** Changes the password (ending the user's sessions) and the roles given; an admin cannot remove the last admin. */
  public Future<Optional<Refusal>> updateAccount(String username, Optional<String> password, Optional<Set<OperatorRole>> roles) {
    Optional<String> problem = password.map(Passwords::problemWith);
    if (problem.isPresent()) {
      return Future.succeededFuture(Optional.of(new Refusal(400, problem.get())));
    }
    Future<Optional<Refusal>> rolesChanged = roles.isEmpty() ? Future.succeededFuture(Optional.empty())
        : keepsAnAdmin(username, roles.get().contains(OperatorRole.ADMIN)).compose(refused -> refused.isPresent()
            ? Future.succeededFuture(refused) : store.setRoles(username, roles.get()).map(Access::foundOrNot));
    return rolesChanged.compose(refused -> {
      if (refused.isPresent() || password.isEmpty()) {
        return Future.succeededFuture(refused);
      }
      return passwords.hash(password.get()).compose(hash -> store.setPassword(username, hash)).map(Access::foundOrNot);
    }).onSuccess(refused -> sessions.clear());
  }

  public Future<Optional<Refusal>> removeAccount(String username) {
    return keepsAnAdmin(username, false).compose(refused -> refused.isPresent()
        ? Future.succeededFuture(refused) : store.remove(username).map(Access::foundOrNot))
        .onSuccess(refused -> sessions.clear());
  }

  /** Refuses to leave no admin: the user is the only admin and would stop being one. */
  private Future<Optional<Refusal>> keepsAnAdmin(String username, boolean staysAdmin) {
    if (staysAdmin) {
      return Future.succeededFuture(Optional.empty());
    }
    return store.find(username).compose(found -> {
      boolean isAdmin = found.isPresent() && found.get().account().roles().contains(OperatorRole.ADMIN);
      if (!isAdmin) {
        return Future.succeededFuture(Optional.<Refusal>empty());
      }
      return store.countWithRole(OperatorRole.ADMIN).map(admins -> admins <= 1
          ? Optional.of(new Refusal(409, "'" + username + "' is the only admin; make another user admin first"))
          : Optional.<Refusal>empty());
    });
  }

  private static Optional<Refusal> foundOrNot(boolean found) {
    return found ? Optional.empty() : Optional.of(new Refusal(404, "no such user"));
  }

}
