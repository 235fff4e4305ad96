package io.codedelivery.access;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A device's secret as the store keeps it: an HMAC-SHA256 of the secret keyed with a random salt of the device's own,
 * in the form {@code hmac-sha256$<salt>$<mac>} (Base64). The web role makes one when a device is registered with a
 * secret; the ingest role checks the password of each fix's HTTP Basic credentials against it.
 * <p>
 * Deliberately not the PBKDF2 of operators' passwords ({@link Passwords}): that costs tens of milliseconds of CPU by
 * design, and ingest checks every fix of every phone (one a second each), which at that price would take a core per
 * few dozen phones. One HMAC is a microsecond. The price is that a copy of the store lets an attacker try guesses
 * fast, so a device secret should be a long random string rather than a word (the app stores it; nobody types it
 * twice); the salt still makes each device's hash a separate search, and equal secrets hash differently.
 */
public final class DeviceSecret {
  public static final int MIN_LENGTH = 8;
  public static final int MAX_LENGTH = 200;
  private static final String ALGORITHM = "HmacSHA256";
  private static final String PREFIX = "hmac-sha256$";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();

  private final byte[] salt;
  private final byte[] mac;

  private DeviceSecret(byte[] salt, byte[] mac) {
    this.salt = salt;
    this.mac = mac;
  }

  /** Why the secret cannot be used, or null when it can. */
  public static String problemWith(String secret) {
    if (secret.length() < MIN_LENGTH || secret.length() > MAX_LENGTH) {
      return "a device secret must have " + MIN_LENGTH + " to " + MAX_LENGTH + " characters";
    }
    return null;
  }

  /** The stored form of a new secret, with a fresh salt. */
  public static String hash(String secret) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return PREFIX + ENCODER.encodeToString(salt) + "$" + ENCODER.encodeToString(mac(salt, secret));
  }

  /** A stored hash as read back; fails on anything {@link #hash} did not write. */
  public static DeviceSecret parse(String stored) {
    String[] parts = stored.startsWith(PREFIX) ? stored.substring(PREFIX.length()).split("\\$") : new String[0];
    if (parts.length != 2) {
      throw new IllegalArgumentException("not a device secret hash");
    }
    return new DeviceSecret(Base64.getDecoder().decode(parts[0]), Base64.getDecoder().decode(parts[1]));
  }

  /** Whether the presented secret is this one; compared in constant time, so the answer's timing tells nothing. */
  public boolean matches(String presented) {
    return presented != null && MessageDigest.isEqual(mac, mac(salt, presented));
  }

  private static byte[] mac(byte[] salt, String secret) {
    try {
      Mac hmac = Mac.getInstance(ALGORITHM);
      hmac.init(new SecretKeySpec(salt, ALGORITHM));
      return hmac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
