package io.codedelivery.web;

import io.codedelivery.model.Fields;
import io.codedelivery.model.LatLon;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads a route from a GPX 1.0 or 1.1 file as phone apps and GPS units export it: the points of its tracks
 * ({@code <trk><trkseg><trkpt lat lon>}, every segment of every track in file order) or, when it has no track, of its
 * routes ({@code <rte><rtept>}). Waypoints, elevation, times and extensions (elements of other namespaces, such as
 * Garmin's or OsmAnd's) are ignored. The name is the chosen track's or route's {@code <name>}, else the file's.
 *
 * <p>The JDK's own StAX parser reads it with DTDs and external entities off, and a file that has a DOCTYPE at all is
 * refused before anything in it is expanded: no entity expansion ("billion laughs"), no file or URL read (XXE).
 */
final class GpxRoutes {
  private static final XMLInputFactory FACTORY = safeFactory();
  /** Decimal degrees as GPX's xsd:decimal writes them; "NaN", "Infinity" or hex would parse as doubles otherwise. */
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
  private static final String GPX_NAMESPACE_PREFIX = "http://www.topografix.com/GPX/";

  private GpxRoutes() {
  }

  private static XMLInputFactory safeFactory() {
    XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setProperty(XMLInputFactory.IS_COALESCING, true);
    return factory;
  }

  /** @throws RouteFormatException saying what is wrong and where */
  static UploadedRoute parse(Buffer body, int maxPoints) {
    Reading reading = new Reading(maxPoints);
    XMLStreamReader xml = null;
    try {
      xml = FACTORY.createXMLStreamReader(new ByteArrayInputStream(body.getBytes()));
      while (xml.hasNext()) {
        reading.on(xml.next(), xml);
      }
    } catch (XMLStreamException e) {
      throw new RouteFormatException("the body is not well-formed XML: " + describe(e));
    } finally {
      close(xml);
    }
    return reading.route();
  }

  /** What one pass over the file has found so far. */
  private static final class Reading {
    private final int maxPoints;
    /** Local names of the open GPX elements, outermost first; foreign elements are skipped whole. */
    private final Deque<String> path = new ArrayDeque<>();
    private int foreignDepth;
    private final List<LatLon> trackPoints = new ArrayList<>();
    private final List<LatLon> routePoints = new ArrayList<>();
    private int trackPointsSeen;
    private int routePointsSeen;
    private String fileName;
    private String trackName;
    private String routeName;
    private StringBuilder text;

    Reading(int maxPoints) {
      this.maxPoints = maxPoints;
    }

    void on(int event, XMLStreamReader xml) {
      switch (event) {
        case XMLStreamConstants.DTD -> throw new RouteFormatException(
            "a GPX file may not have a DOCTYPE: DTDs and entities are not read");
        case XMLStreamConstants.START_ELEMENT -> start(xml);
        case XMLStreamConstants.END_ELEMENT -> end();
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
          if (text != null && foreignDepth == 0) {
            text.append(xml.getText());
          }
        }
        default -> {
          // comments, processing instructions, white space: nothing to read
        }
      }
    }

    private void start(XMLStreamReader xml) {
      String namespace = xml.getNamespaceURI();
      if (foreignDepth > 0 || !(namespace == null || namespace.isEmpty() || namespace.startsWith(GPX_NAMESPACE_PREFIX))) {
        foreignDepth++;
        return;
      }
      String name = xml.getLocalName();
      if (path.isEmpty() && !name.equals("gpx")) {
        throw new RouteFormatException("the root element is <" + name + ">, not <gpx>: this is not a GPX file");
      }
      path.addLast(name);
      String at = String.join("/", path);
      switch (at) {
        case "gpx/trk/trkseg/trkpt" -> {
          trackPointsSeen++;
          keep(trackPoints, point(xml, "track point " + trackPointsSeen));
        }
        case "gpx/rte/rtept" -> {
          routePointsSeen++;
          keep(routePoints, point(xml, "route point " + routePointsSeen));
        }
        case "gpx/name", "gpx/metadata/name", "gpx/trk/name", "gpx/rte/name" -> text = new StringBuilder();
        default -> {
          // anything else of GPX (time, ele, desc, wpt, …) carries nothing a route needs
        }
      }
    }

    private void end() {
      if (foreignDepth > 0) {
        foreignDepth--;
        return;
      }
      String at = String.join("/", path);
      if (text != null) {
        String name = text.toString();
        text = null;
        switch (at) {
          case "gpx/trk/name" -> trackName = trackName == null ? name : trackName;
          case "gpx/rte/name" -> routeName = routeName == null ? name : routeName;
          default -> fileName = fileName == null ? name : fileName;
        }
      }
      path.removeLast();
    }

    /** Points beyond the limit are counted, not kept: the route is refused for its length once the file is read. */
    private void keep(List<LatLon> points, LatLon point) {
      if (points.size() <= maxPoints) {
        points.add(point);
      }
    }

    UploadedRoute route() {
      boolean track = trackPointsSeen > 0;
      String name = track ? trackName : routeName;
      return UploadedRoute.of(name != null ? name : fileName, track ? trackPoints : routePoints, maxPoints);
    }
  }

  private static LatLon point(XMLStreamReader xml, String where) {
    return UploadedRoute.point(where, degrees(xml, "lat", where), degrees(xml, "lon", where));
  }

  private static double degrees(XMLStreamReader xml, String attribute, String where) {
    String value = xml.getAttributeValue(null, attribute);
    if (value == null) {
      throw new RouteFormatException(where + " has no '" + attribute + "' attribute");
    }
    if (!DECIMAL.matcher(value.strip()).matches()) {
      throw new RouteFormatException(where + ": " + attribute + " '" + Fields.abbreviate(value) + "' is not a number");
    }
    return Double.parseDouble(value.strip());
  }

  private static String describe(XMLStreamException e) {
    String message = e.getMessage() == null ? "" : e.getMessage().replaceAll("\\s+", " ").strip();
    return message.length() <= 200 ? message : message.substring(0, 200) + "…";
  }

  private static void close(XMLStreamReader xml) {
    if (xml != null) {
      try {
        xml.close();
      } catch (XMLStreamException ignored) {
        // nothing was opened that outlives the body's bytes
      }
    }
  }
}
