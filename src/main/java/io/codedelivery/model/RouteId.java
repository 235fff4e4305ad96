package io.codedelivery.model;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * What a route id looks like: 1–64 letters, digits, {@code _} or {@code -}, so it sits in a URL path, a file name
 * and a message unescaped. The seeded routes ("1", "2", "3") and uploaded ones follow the same rule.
 */
public final class RouteId {
  private static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  public static final String RULE = "1-64 letters, digits, '_' or '-'";
  private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
  private static final int GENERATED_LENGTH = 11;
  private static final SecureRandom RANDOM = new SecureRandom();

  private RouteId() {
  }

  public static boolean isValid(String value) {
    return value != null && PATTERN.matcher(value).matches();
  }

  /**
   * A fresh id for an uploaded route: "r" and 11 characters of an unambiguous 32-letter alphabet (55 random bits), so
   * it never looks like a seeded numeric id and two uploads practically never draw the same one.
   */
  public static String generate() {
    StringBuilder id = new StringBuilder("r");
    for (int i = 0; i < GENERATED_LENGTH; i++) {
      id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return id.toString();
  }
}
