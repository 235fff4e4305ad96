package io.codedelivery.web;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/** The web and the management servers are made alike. */
final class HttpServers {
  private HttpServers() {
  }

  /**
   * No cleartext HTTP/2 upgrade: browsers never use it, and clients that try it (Java's HttpClient does by
   * default) were seen to hang on an upgraded connection under test load. Requests too malformed to reach a
   * router still get a JSON error.
   */
  static HttpServer create(Vertx vertx) {
    return vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
        .invalidRequestHandler(ApiError::answerInvalidRequest);
  }
}
