package io.codedelivery.web;

import io.codedelivery.access.OperatorRole.Permission;
import io.vertx.core.http.HttpMethod;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What each API call needs, in one place: reading needs an operator, dispatching needs a dispatcher, anything else
 * (users, devices, routes, and any write added later) an admin. Signing in and tracking links are mounted in front
 * of these rules and need none of them.
 */
final class AccessRules {
  private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  /** Starting, assigning, completing and cancelling deliveries, and withdrawing their tracking links. */
  private static final Pattern DISPATCH = Pattern.compile("/api/deliveries(/[^/]+/(complete|cancel|tracking-link/revoke))?/?");
  private static final String USERS = "/api/users";

  private AccessRules() {
  }

  static Permission permissionFor(HttpMethod method, String path) {
    if (path.equals(USERS) || path.startsWith(USERS + "/")) {
      return Permission.ADMINISTER;
    }
    if (READS.contains(method)) {
      return Permission.SEE_FLEET;
    }
    return method == HttpMethod.POST && DISPATCH.matcher(path).matches() ? Permission.DISPATCH : Permission.ADMINISTER;
  }
}
