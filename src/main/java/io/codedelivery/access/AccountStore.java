package io.codedelivery.access;

import io.codedelivery.persistence.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.MongoClientDeleteResult;
import io.vertx.ext.mongo.MongoClientUpdateResult;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code users} collection ({@code _id} the user name, a PBKDF2 hash, roles) and the {@code sessions} that
 * sign-ins open ({@code _id} the session id, the user's roles copied so a request needs one read, an expiry).
 * Changing a user's roles changes them in the user's open sessions; a new password or removing the user ends them.
 */
final class AccountStore {
  private static final String ISSUER = "issuer";
  private final MongoClient mongo;

  AccountStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  /** A stored user: its account and its password hash. */
  record StoredUser(Account account, String passwordHash) {
  }

  /**
   * An open session: whose, with which roles, until when. {@code issuer} is the OpenID Connect provider that vouched
   * for the user, null for an account of this store: a provider's user is no account here, so changing or removing
   * an account of the same name leaves their sessions alone.
   */
  record Session(String id, String username, Set<OperatorRole> roles, Instant expiresAt, String issuer) {
  }

  Future<Long> count() {
    return mongo.count(Store.USERS, new JsonObject());
  }

  Future<Optional<StoredUser>> find(String username) {
    return mongo.findOne(Store.USERS, byId(username), null).map(doc -> Optional.ofNullable(doc).map(AccountStore::storedUser));
  }

  Future<List<Account>> list() {
    return mongo.find(Store.USERS, new JsonObject())
        .map(docs -> docs.stream().map(doc -> storedUser(doc).account()).sorted((a, b) -> a.username().compareTo(b.username())).toList());
  }

  /** Inserts the user; false when the name is taken (also by a process creating it at the same moment). */
  Future<Boolean> create(Account account, String passwordHash) {
    JsonObject doc = byId(account.username()).put("passwordHash", passwordHash)
        .put("roles", Account.rolesJson(account.roles())).put("createdAt", Store.date(account.createdAt()));
    return mongo.insert(Store.USERS, doc).map(id -> true)
        .recover(e -> Store.isDuplicateKey(e) ? Future.succeededFuture(false) : Future.failedFuture(e));
  }

  Future<Boolean> setRoles(String username, Set<OperatorRole> roles) {
    JsonObject set = new JsonObject().put("$set", new JsonObject().put("roles", Account.rolesJson(roles)));
    return mongo.updateCollection(Store.USERS, byId(username), set).compose(updated -> {
      if (updated.getDocMatched() == 0) {
        return Future.succeededFuture(false);
      }
      return mongo.updateCollectionWithOptions(Store.SESSIONS, accountSessionsOf(username), set,
          new UpdateOptions().setMulti(true)).map(sessions -> true);
    });
  }

  Future<Boolean> setPassword(String username, String passwordHash) {
    return mongo.updateCollection(Store.USERS, byId(username), new JsonObject().put("$set", new JsonObject().put("passwordHash", passwordHash)))
        .map(MongoClientUpdateResult::getDocMatched)
        .compose(matched -> matched == 0 ? Future.succeededFuture(false) : endSessionsOf(username).map(ended -> true));
  }

  Future<Boolean> remove(String username) {
    return mongo.removeDocument(Store.USERS, byId(username)).map(MongoClientDeleteResult::getRemovedCount)
        .compose(removed -> removed == 0 ? Future.succeededFuture(false) : endSessionsOf(username).map(ended -> true));
  }

  Future<Long> countWithRole(OperatorRole role) {
    return mongo.count(Store.USERS, new JsonObject().put("roles", role.wireName()));
  }

  Future<Void> open(Session session) {
    JsonObject doc = byId(session.id()).put("username", session.username())
        .put("roles", Account.rolesJson(session.roles())).put("expiresAt", Store.date(session.expiresAt()));
    if (session.issuer() != null) {
      doc.put(ISSUER, session.issuer());
    }
    return mongo.insert(Store.SESSIONS, doc).mapEmpty();
  }

  Future<Optional<Session>> session(String id) {
    return mongo.findOne(Store.SESSIONS, byId(id), null).map(doc -> Optional.ofNullable(doc).map(found -> new Session(id,
        found.getString("username"), roles(found.getJsonArray("roles")), Store.instant(found.getValue("expiresAt")),
        found.getString(ISSUER))));
  }

  Future<Void> close(String sessionId) {
    return mongo.removeDocument(Store.SESSIONS, byId(sessionId)).mapEmpty();
  }

  /** Sessions past their expiry: their tokens are refused anyway, this only keeps the collection small. */
  Future<Void> forgetExpiredSessions(Instant now) {
    return mongo.removeDocuments(Store.SESSIONS, new JsonObject().put("expiresAt", new JsonObject().put("$lt", Store.date(now)))).mapEmpty();
  }

  private Future<Void> endSessionsOf(String username) {
    return mongo.removeDocuments(Store.SESSIONS, accountSessionsOf(username)).mapEmpty();
  }

  /** The sessions of the account, not those of a provider's user who happens to have the same name. */
  private static JsonObject accountSessionsOf(String username) {
    return new JsonObject().put("username", username).put(ISSUER, new JsonObject().put("$exists", false));
  }

  private static StoredUser storedUser(JsonObject doc) {
    Instant created = Store.instant(doc.getValue("createdAt"));
    return new StoredUser(new Account(doc.getString("_id"), roles(doc.getJsonArray("roles")), created == null ? Instant.EPOCH : created),
        doc.getString("passwordHash"));
  }

  static Set<OperatorRole> roles(JsonArray names) {
    Set<OperatorRole> roles = EnumSet.noneOf(OperatorRole.class);
    if (names != null) {
      names.forEach(name -> OperatorRole.fromWireName(String.valueOf(name)).ifPresent(roles::add));
    }
    return roles;
  }

  private static JsonObject byId(String id) {
    return new JsonObject().put("_id", id);
  }
}
