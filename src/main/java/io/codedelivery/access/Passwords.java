package io.codedelivery.access;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.hashing.HashingStrategy;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Slow salted password hashes (PBKDF2-HMAC-SHA512 of Vert.x's auth module, in its PHC string form), computed on a
 * worker thread: at these iterations one takes tens of milliseconds, which an event loop must not spend.
 */
final class Passwords {
  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA512. */
  static final int ITERATIONS = 210_000;
  static final int MIN_LENGTH = 10;
  static final int MAX_LENGTH = 200;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HashingStrategy STRATEGY = HashingStrategy.load();

  private final Vertx vertx;

  Passwords(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<String> hash(String password) {
    return vertx.executeBlocking(() -> STRATEGY.hash("pbkdf2", Map.of("it", String.valueOf(ITERATIONS)), salt(), password), false);
  }

  /** Whether the password matches; a null hash (no such user) is checked against a decoy and never matches. */
  Future<Boolean> matches(String hash, String password) {
    return vertx.executeBlocking(() -> STRATEGY.verify(hash == null ? Decoy.HASH : hash, password) && hash != null, false);
  }

  /** A random password for the first admin: 144 bits, URL-safe text. */
  static String random() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String salt() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * Checked against when the user does not exist, so that an unknown name costs as long as a wrong password.
   * Made when first needed, on the worker thread that checks it: it costs as much as a sign-in.
   */
  private static final class Decoy {
    static final String HASH = STRATEGY.hash("pbkdf2", Map.of("it", String.valueOf(ITERATIONS)), salt(), "decoy password");
  }

  static String problemWith(String password) {
    if (password.length() < MIN_LENGTH || password.length() > MAX_LENGTH) {
      return "a password must have " + MIN_LENGTH + " to " + MAX_LENGTH + " characters";
    }
    return null;
  }
}
