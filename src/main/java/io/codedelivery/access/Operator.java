package io.codedelivery.access;

import io.codedelivery.access.OperatorRole.Permission;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.Authorization;
import io.vertx.ext.auth.authorization.PermissionBasedAuthorization;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A signed-in operator: who, with which roles, in which session (none for an OpenID Connect token) and until
 * when. As a Vert.x {@link User} it carries its permissions, checked with {@link PermissionBasedAuthorization}.
 */
public record Operator(String username, Set<OperatorRole> roles, String sessionId, Instant expiresAt) {
  private static final String PROVIDER = "code-delivery";
  private static final String PRINCIPAL_MARK = "operator";

  public Set<Permission> permissions() {
    Set<Permission> permissions = EnumSet.noneOf(Permission.class);
    roles.forEach(role -> permissions.addAll(role.permits()));
    return permissions;
  }

  public boolean may(Permission permission) {
    return permissions().contains(permission);
  }

  public JsonObject toJson() {
    return new JsonObject().put("username", username).put("roles", Account.rolesJson(roles)).put("expiresAt", expiresAt.toString());
  }

  /** This operator as the Vert.x user of a request or a SockJS connection. */
  public User toUser() {
    JsonObject principal = toJson().put(PRINCIPAL_MARK, true);
    if (sessionId != null) {
      principal.put("sessionId", sessionId);
    }
    User user = User.create(principal);
    Set<Authorization> granted = permissions().stream()
        .map(p -> (Authorization) PermissionBasedAuthorization.create(p.wireName())).collect(Collectors.toSet());
    user.authorizations().put(PROVIDER, granted);
    return user;
  }

  /** The operator a user of {@link #toUser()} stands for; null for any other user. */
  public static Operator of(User user) {
    JsonObject principal = user == null ? null : user.principal();
    if (principal == null || !principal.getBoolean(PRINCIPAL_MARK, false)) {
      return null;
    }
    return new Operator(principal.getString("username"), AccountStore.roles(principal.getJsonArray("roles")),
        principal.getString("sessionId"), Instant.parse(principal.getString("expiresAt")));
  }

  /** Whether the user was granted the permission, as Vert.x's authorization checks it. */
  public static boolean permits(User user, Permission permission) {
    return user != null && PermissionBasedAuthorization.create(permission.wireName()).match(user);
  }
}
