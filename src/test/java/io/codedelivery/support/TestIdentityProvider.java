package io.codedelivery.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A tiny OpenID Connect provider on a Vert.x HTTP server, for tests: discovery, a JWKS with an RSA key generated here,
 * an authorization endpoint that signs in whoever {@link #signsIn} named and sends the browser back with a code, and a
 * token endpoint that checks the client's secret, the redirect and the PKCE verifier before answering RS256-signed ID
 * and access tokens. Its tokens carry roles as Keycloak's do, in {@code realm_access.roles}.
 */
public final class TestIdentityProvider implements AutoCloseable {
  public static final String KEY_ID = "test-signing-key";
  public static final String ROLES_CLAIM = "realm_access.roles";
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final Vertx vertx = Vertx.vertx();
  private final String clientId;
  private final String clientSecret;
  private final KeyPair keys = rsaKeys();
  private final JWTAuth signer = signerOf(vertx, keys);
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  private volatile SignedIn next = new SignedIn("nobody", List.of());
  private HttpServer server;

  /** Who the authorization endpoint signs in, and the roles it gives them. */
  private record SignedIn(String username, List<String> roles) {
  }

  /** A code handed out, and what redeeming it must match. */
  private record Grant(String redirectUri, String codeChallenge, String nonce, SignedIn user) {
  }

  private TestIdentityProvider(String clientId, String clientSecret) {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
  }

  public static TestIdentityProvider start(String clientId, String clientSecret) throws Exception {
    TestIdentityProvider provider = new TestIdentityProvider(clientId, clientSecret);
    provider.server = provider.vertx.createHttpServer().requestHandler(provider::handle).listen(0)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return provider;
  }

  public String issuer() {
    return "http://localhost:" + server.actualPort();
  }

  /** The user the next visit to the authorization endpoint signs in. */
  public void signsIn(String username, String... roles) {
    next = new SignedIn(username, List.of(roles));
  }

  /** An access token for this application's client, valid for five minutes. */
  public String accessToken(String username, String... roles) {
    return sign(claims(username, List.of(roles)));
  }

  /** The claims of such an access token, for a test to change before {@link #sign}ing them. */
  public JsonObject claims(String username, List<String> roles) {
    long now = Instant.now().getEpochSecond();
    return new JsonObject().put("iss", issuer()).put("sub", UUID.randomUUID().toString()).put("aud", clientId)
        .put("azp", clientId).put("iat", now).put("exp", now + 300).put("preferred_username", username)
        .put("realm_access", new JsonObject().put("roles", new JsonArray(roles)));
  }

  /** The claims signed RS256 with this provider's key, as its JWKS publishes it. */
  public String sign(JsonObject claims) {
    return sign(signer, claims);
  }

  /** The claims signed with a key this provider never published, under the same key id. */
  public String signWithAnotherKey(JsonObject claims) {
    return sign(signerOf(vertx, rsaKeys()), claims);
  }

  private static String sign(JWTAuth signer, JsonObject claims) {
    return signer.generateToken(claims.copy(), new JWTOptions().setAlgorithm("RS256"));
  }

  private void handle(HttpServerRequest request) {
    switch (request.path()) {
      case "/.well-known/openid-configuration" -> json(request, 200, new JsonObject()
          .put("issuer", issuer())
          .put("authorization_endpoint", issuer() + "/authorize")
          .put("token_endpoint", issuer() + "/token")
          .put("jwks_uri", issuer() + "/jwks")
          .put("response_types_supported", new JsonArray().add("code"))
          .put("grant_types_supported", new JsonArray().add("authorization_code"))
          .put("subject_types_supported", new JsonArray().add("public"))
          .put("id_token_signing_alg_values_supported", new JsonArray().add("RS256"))
          .put("code_challenge_methods_supported", new JsonArray().add("S256")));
      case "/jwks" -> json(request, 200, new JsonObject().put("keys", new JsonArray().add(publicJwk())));
      case "/authorize" -> authorize(request);
      case "/token" -> request.setExpectMultipart(true).endHandler(end -> token(request));
      default -> request.response().setStatusCode(404).end();
    }
  }

  private void authorize(HttpServerRequest request) {
    String redirectUri = request.getParam("redirect_uri");
    if (!clientId.equals(request.getParam("client_id")) || !"code".equals(request.getParam("response_type"))
        || redirectUri == null || !"S256".equals(request.getParam("code_challenge_method"))) {
      request.response().setStatusCode(400).end("bad authorization request");
      return;
    }
    String code = UUID.randomUUID().toString();
    codes.put(code, new Grant(redirectUri, request.getParam("code_challenge"), request.getParam("nonce"), next));
    request.response().setStatusCode(302).putHeader("location", redirectUri + "?code=" + code + "&state="
        + URLEncoder.encode(request.getParam("state"), StandardCharsets.UTF_8)).end();
  }

  private void token(HttpServerRequest request) {
    Grant grant = codes.remove(String.valueOf(request.getFormAttribute("code")));
    String verifier = request.getFormAttribute("code_verifier");
    if (!clientAuthenticated(request) || grant == null || !"authorization_code".equals(request.getFormAttribute("grant_type"))
        || !grant.redirectUri().equals(request.getFormAttribute("redirect_uri"))
        || verifier == null || !grant.codeChallenge().equals(s256(verifier))) {
      json(request, 400, new JsonObject().put("error", "invalid_grant"));
      return;
    }
    JsonObject access = claims(grant.user().username(), grant.user().roles());
    JsonObject id = claims(grant.user().username(), grant.user().roles()).put("nonce", grant.nonce());
    json(request, 200, new JsonObject().put("access_token", sign(access)).put("id_token", sign(id))
        .put("token_type", "Bearer").put("expires_in", 300));
  }

  private boolean clientAuthenticated(HttpServerRequest request) {
    String expected = "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    return expected.equals(request.getHeader("authorization"))
        || clientId.equals(request.getFormAttribute("client_id")) && clientSecret.equals(request.getFormAttribute("client_secret"));
  }

  private JsonObject publicJwk() {
    RSAPublicKey key = (RSAPublicKey) keys.getPublic();
    return new JsonObject().put("kty", "RSA").put("kid", KEY_ID).put("use", "sig").put("alg", "RS256")
        .put("n", unsigned(key.getModulus())).put("e", unsigned(key.getPublicExponent()));
  }

  /** A JWK number: big-endian, without the sign byte Java adds. */
  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return BASE64URL.encodeToString(bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes);
  }

  private static String s256(String verifier) {
    try {
      return BASE64URL.encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void json(HttpServerRequest request, int status, JsonObject body) {
    request.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }

  private static KeyPair rsaKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Vert.x's JWT signer given the private key as PEM (PKCS#8), under this provider's key id. */
  private static JWTAuth signerOf(Vertx vertx, KeyPair keys) {
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(pem).setId(KEY_ID)));
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
