package io.codedelivery.web;

import io.codedelivery.access.Access;
import io.codedelivery.access.Account;
import io.codedelivery.access.OperatorRole;
import io.codedelivery.metrics.PipelineMetrics;
import io.codedelivery.ops.ApiError;
import io.codedelivery.ops.JsonResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code /api/users…} (admins only, checked in front of it): operator accounts and their roles. */
final class UserApi {
  private static final String BODY_EXAMPLE = "the body must be a JSON object like {\"username\":\"dana\",\"password\":\"…\",\"roles\":[\"dispatcher\"]}";
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");
  private static final int MAX_BODY_BYTES = 4096;

  private final Access access;
  private final PipelineMetrics metrics;

  UserApi(Access access, PipelineMetrics metrics) {
    this.access = access;
    this.metrics = metrics;
  }

  void mount(Router router) {
    router.get("/api/users").handler(this::list);
    router.post("/api/users").handler(new JsonOnly(metrics)).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(this::create);
    router.put("/api/users/:username").handler(new JsonOnly(metrics)).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(this::update);
    router.delete("/api/users/:username").handler(this::remove);
  }

  private void list(RoutingContext ctx) {
    StoreAnswer.send(ctx, access.accounts(), "account",
        accounts -> JsonResponse.send(ctx, 200, new JsonArray(accounts.stream().map(a -> (Object) a.toJson()).toList())));
  }

  private void create(RoutingContext ctx) {
    JsonObject body = JsonOnly.bodyObject(ctx, BODY_EXAMPLE);
    String username = username(body.getValue("username") instanceof String name ? name : null);
    String password = password(body.getValue("password"));
    Set<OperatorRole> roles = roles(body.getValue("roles"));
    answer(ctx, access.createAccount(username, password, roles), () -> {
      ctx.response().putHeader("location", "/api/users/" + username);
      JsonResponse.send(ctx, 201, new Account(username, roles, java.time.Instant.now()).toJson());
    });
  }

  private void update(RoutingContext ctx) {
    String username = username(ctx.pathParam("username"));
    JsonObject body = JsonOnly.bodyObject(ctx, "the body must be a JSON object like {\"roles\":[\"viewer\"]} or {\"password\":\"…\"}");
    Optional<String> password = body.containsKey("password") ? Optional.of(password(body.getValue("password"))) : Optional.empty();
    Optional<Set<OperatorRole>> roles = body.containsKey("roles") ? Optional.of(roles(body.getValue("roles"))) : Optional.empty();
    if (password.isEmpty() && roles.isEmpty()) {
      throw new BadParameter("give 'password', 'roles' or both");
    }
    answer(ctx, access.updateAccount(username, password, roles), () -> ctx.response().setStatusCode(204).end());
  }

  private void remove(RoutingContext ctx) {
    String username = username(ctx.pathParam("username"));
    answer(ctx, access.removeAccount(username), () -> ctx.response().setStatusCode(204).end());
  }

  private static void answer(RoutingContext ctx, Future<Optional<Access.Refusal>> result, Runnable onDone) {
    StoreAnswer.send(ctx, result, "account", refused -> {
      if (refused.isPresent()) {
        ApiError.send(ctx, refused.get().status(), refused.get().message());
      } else {
        onDone.run();
      }
    });
  }

  private static String username(String value) {
    if (value == null || !USERNAME.matcher(value).matches()) {
      throw new BadParameter("'username' must be 1-64 letters, digits, '_', '.', '@' or '-'");
    }
    return value;
  }

  private static String password(Object value) {
    if (!(value instanceof String text)) {
      throw new BadParameter("'password' must be a string");
    }
    return text;
  }

  private static Set<OperatorRole> roles(Object value) {
    if (!(value instanceof JsonArray names) || names.isEmpty()) {
      throw new BadParameter("'roles' must be a non-empty array of " + OperatorRole.wireNames());
    }
    Set<OperatorRole> roles = EnumSet.noneOf(OperatorRole.class);
    for (Object name : names) {
      roles.add(OperatorRole.fromWireName(String.valueOf(name))
          .orElseThrow(() -> new BadParameter("'roles' may hold only " + OperatorRole.wireNames())));
    }
    return roles;
  }
}
