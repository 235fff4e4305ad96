package io.codedelivery.access;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** An operator's role, and what it permits: an admin may do all a dispatcher may, a dispatcher all a viewer may. */
public enum OperatorRole {
  ADMIN(EnumSet.allOf(Permission.class)),
  DISPATCHER(EnumSet.of(Permission.SEE_FLEET, Permission.DISPATCH)),
  VIEWER(EnumSet.of(Permission.SEE_FLEET));

  private final Set<Permission> permits;

  OperatorRole(Set<Permission> permits) {
    this.permits = permits;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public Set<Permission> permits() {
    return permits;
  }

  public static Optional<OperatorRole> fromWireName(String name) {
    return Arrays.stream(values()).filter(role -> role.wireName().equals(name)).findFirst();
  }

  public static String wireNames() {
    return Arrays.stream(values()).map(OperatorRole::wireName).collect(Collectors.joining(", "));
  }

  /** What an operator may do. */
  public enum Permission {
    /** Read deliveries, devices and routes; watch every vehicle. */
    SEE_FLEET,
    /** Start, assign, complete and cancel deliveries; revoke tracking links. */
    DISPATCH,
    /** Users, devices, routes. */
    ADMINISTER;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
