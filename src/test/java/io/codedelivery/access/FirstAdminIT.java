package io.codedelivery.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.config.Setting;
import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The first start without {@code ADMIN_PASSWORD}: an {@code admin} with a random password, written where only the
 * server's own user can read it, that signs in; a later start on the same store creates no second admin and leaves
 * the file alone.
 */
class FirstAdminIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void withoutAnAdminPasswordTheFirstStartWritesARandomOneForTheOwnerOnlyAndLaterStartsKeepIt() throws Exception {
    try (TestStack stack = TestStack.start(Map.of(Setting.ADMIN_PASSWORD, ""))) {
      Path file = stack.app().config().dataDir().resolve(Access.PASSWORD_FILE);
      assertThat(file).exists();
      assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
      String password = Files.readString(file).strip();
      assertThat(password).hasSizeGreaterThanOrEqualTo(Passwords.MIN_LENGTH).isNotEqualTo(TestStack.ADMIN_PASSWORD);
      FileTime written = Files.getLastModifiedTime(file);
      assertThat(signIn(stack, "admin", TestStack.ADMIN_PASSWORD).statusCode()).as("the tests' usual password").isEqualTo(401);
      assertThat(users(stack, password)).containsExactly(new JsonObject().put("username", "admin").put("roles", new JsonArray().add("admin")));

      stack.restart();

      assertThat(Files.readString(file).strip()).as("the file after a second start").isEqualTo(password);
      assertThat(Files.getLastModifiedTime(file)).isEqualTo(written);
      assertThat(users(stack, password)).as("users after a second start")
          .containsExactly(new JsonObject().put("username", "admin").put("roles", new JsonArray().add("admin")));
    }
  }

  /** Signs in with the password and lists the users, without their creation times. */
  private static JsonArray users(TestStack stack, String password) throws Exception {
    HttpResponse<String> signedIn = signIn(stack, "admin", password);
    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
    String token = new JsonObject(signedIn.body()).getString("token");
    HttpResponse<String> users = HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/users"))
        .header("authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(users.statusCode()).as(users.body()).isEqualTo(200);
    JsonArray listed = new JsonArray(users.body());
    listed.forEach(user -> ((JsonObject) user).remove("createdAt"));
    return listed;
  }

  private static HttpResponse<String> signIn(TestStack stack, String username, String password) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/session")).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", username).put("password", password).encode())).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
