package io.codedelivery.web;

import io.codedelivery.access.OperatorRole.Permission;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What each API call needs, in one place: reading needs an operator, dispatching needs a dispatcher, anything else
 * (users, webhooks, devices, routes, and any write added later) an admin. Signing in and tracking links are mounted in front
 * of these rules and need none of them.
 */
final class AccessRules {
  private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  /** Starting, assigning, completing and cancelling deliveries, and withdrawing their tracking links. */
  private static final Pattern DISPATCH = Pattern.compile("/api/deliveries(/[^/]+/(complete|cancel|tracking-link/revoke))?/?");
  /** Accounts and webhook endpoints (whose secrets sign what customers' systems trust): administrators' only. */
  private static final List<String> ADMINISTRATION = List.of("/api/users", "/api/webhooks");

  private AccessRules() {
  }

  static Permission permissionFor(HttpMethod method, String path) {
    for (String prefix : ADMINISTRATION) {
      if (path.equals(prefix) || path.startsWith(prefix + "/")) {
        return Permission.ADMINISTER;
      }
    }
    if (READS.contains(method)) {
      return Permission.SEE_FLEET;
    }
    return method == HttpMethod.POST && DISPATCH.matcher(path).matches() ? Permission.DISPATCH : Permission.ADMINISTER;
  }
}
