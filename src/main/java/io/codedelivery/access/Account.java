package io.codedelivery.access;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Set;

/** An operator account as the users API shows it: never its password hash. */
public record Account(String username, Set<OperatorRole> roles, Instant createdAt) {
  public JsonObject toJson() {
    return new JsonObject().put("username", username).put("roles", rolesJson(roles)).put("createdAt", createdAt.toString());
  }

  static JsonArray rolesJson(Set<OperatorRole> roles) {
    JsonArray array = new JsonArray();
    for (OperatorRole role : OperatorRole.values()) {
      if (roles.contains(role)) {
        array.add(role.wireName());
      }
    }
    return array;
  }
}
