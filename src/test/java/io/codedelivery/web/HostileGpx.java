package io.codedelivery.web;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/** GPX files that attack the XML parser, and a server that counts what a parser fetched while reading them. */
final class HostileGpx implements AutoCloseable {
  private static final String HEAD = "<?xml version=\"1.0\"?>";
  private static final String TWO_POINTS = "<trkseg><trkpt lat=\"1\" lon=\"2\"/><trkpt lat=\"3\" lon=\"4\"/></trkseg>";

  private final HttpServer server;
  private final AtomicInteger fetched = new AtomicInteger();

  /** Starts the counting server on a free local port. */
  HostileGpx() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      fetched.incrementAndGet();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
  }

  /** "Billion laughs": ten levels of ten references each, a gigabyte of text once expanded, as a track's name. */
  static String billionLaughs() {
    StringBuilder entities = new StringBuilder("<!ENTITY lol0 \"lol\">");
    for (int level = 1; level <= 9; level++) {
      entities.append("<!ENTITY lol").append(level).append(" \"").append(("&lol" + (level - 1) + ";").repeat(10)).append("\">");
    }
    return HEAD + "<!DOCTYPE gpx [" + entities + "]><gpx><trk><name>&lol9;</name>" + TWO_POINTS + "</trk></gpx>";
  }

  /** A track named by an external entity on the counting server. */
  String externalEntity() {
    return HEAD + "<!DOCTYPE gpx [<!ENTITY secret SYSTEM \"" + url() + "/secret\">]><gpx><trk><name>&secret;</name>"
        + TWO_POINTS + "</trk></gpx>";
  }

  /** A track named by an external entity that is a local file. */
  static String localFileEntity() {
    return HEAD + "<!DOCTYPE gpx [<!ENTITY secret SYSTEM \"file:///etc/hostname\">]><gpx><trk><name>&secret;</name>"
        + TWO_POINTS + "</trk></gpx>";
  }

  /** A file whose DOCTYPE names an external DTD on the counting server. */
  String externalDtd() {
    return HEAD + "<!DOCTYPE gpx SYSTEM \"" + url() + "/gpx.dtd\"><gpx><trk>" + TWO_POINTS + "</trk></gpx>";
  }

  /** Requests the counting server has had. */
  int fetched() {
    return fetched.get();
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
