package io.codedelivery.config;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The verticles a process can deploy; {@link Setting#ROLES} picks a subset. */
public enum Role {
  SIMULATION, BRIDGE, PERSISTENCE, WEB, INGEST, TRACKING, EVENTS;

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static String names() {
    return Arrays.stream(values()).map(Role::configName).collect(Collectors.joining(", "));
  }

  static Set<Role> parseList(String value) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String part : value.split(",", -1)) {
      roles.add(valueOf(part.trim().toUpperCase(Locale.ROOT)));
    }
    return roles;
  }

  static boolean validList(String value) {
    try {
      return !parseList(value).isEmpty();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
