package io.codedelivery.ops;

import io.codedelivery.model.Fields;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Every path a router serves answers every method as HTTP says: HEAD wherever GET is served (Vert.x routes
 * them separately; the response keeps its headers and drops the body), and 405 with an {@code Allow} header for
 * the methods it does not serve, instead of the 404 of a path that does not exist.
 */
public final class AllowedMethods {
  private AllowedMethods() {
  }

  /** Call once the router's own routes are mounted, before any catch-all that would answer the rest. */
  public static void complete(Router router) {
    Map<String, Set<HttpMethod>> methodsByPath = new LinkedHashMap<>();
    for (Route route : router.getRoutes()) {
      Set<HttpMethod> methods = route.methods();
      if (route.getPath() == null || !route.isExactPath() || methods == null || methods.isEmpty()) {
        continue;
      }
      if (methods.contains(HttpMethod.GET)) {
        route.method(HttpMethod.HEAD);
      }
      methodsByPath.computeIfAbsent(route.getPath(), path -> new TreeSet<>(Comparator.comparing(HttpMethod::name)))
          .addAll(route.methods());
    }
    methodsByPath.forEach((path, methods) -> {
      String allow = methods.stream().map(HttpMethod::name).collect(Collectors.joining(", "));
      router.route(path).handler(ctx -> {
        if (methods.contains(ctx.request().method())) {
          // Served here, but the route declined it for another reason (a content type, say): not ours to answer.
          ctx.next();
          return;
        }
        ctx.response().putHeader("allow", allow);
        ApiError.send(ctx, 405,
            ctx.request().method() + " is not allowed on " + Fields.abbreviate(ctx.request().path()) + "; allowed: " + allow);
      });
    });
  }
}
