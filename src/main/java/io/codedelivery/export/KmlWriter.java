package io.codedelivery.export;

import java.io.OutputStream;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLStreamException;

/**
 * KML 2.2: a Placemark with a {@code gx:Track} (each point with its time, for Google Earth's time slider), then one
 * with the plain {@code LineString} every GIS tool draws. The track lists all its times before all its coordinates,
 * so the points are read three times: times, coordinates, the line. A line needs two points: a one-point track's line
 * repeats its point, an empty track has none.
 */
final class KmlWriter extends XmlTrackWriter {
  static final String NAMESPACE = "http://www.opengis.net/kml/2.2";
  static final String GX_NAMESPACE = "http://www.google.com/kml/ext/2.2";
  private static final int TIMES = 0;
  private static final int COORDINATES = 1;
  private static final int LINE = 2;

  KmlWriter(OutputStream out, String deliveryId, String name) {
    super(out, deliveryId, name, 3, new QName(NAMESPACE, "kml"), new QName(GX_NAMESPACE, "Track", "gx"));
  }

  @Override
  protected void beginTrack() throws XMLStreamException {
    xml.writeStartElement("Document");
    textElement("name", name);
    xml.writeStartElement("Placemark");
    textElement("name", name);
    xml.writeStartElement("gx", "Track", GX_NAMESPACE);
  }

  @Override
  protected void onPassStart(int pass) {
    if (pass == LINE && pointCount() > 0) {
      write(() -> {
        xml.writeStartElement("Placemark");
        textElement("name", name + " (route)");
        xml.writeStartElement("LineString");
        textElement("tessellate", "1");
        xml.writeStartElement("coordinates");
      });
    }
  }

  @Override
  protected void onPoint(int pass, long index, TrackPoint point) {
    write(() -> {
      switch (pass) {
        case TIMES -> textElement("when", point.time().toString());
        case COORDINATES -> {
          xml.writeStartElement("gx", "coord", GX_NAMESPACE);
          xml.writeCharacters(plain(point.position().lon()) + " " + plain(point.position().lat()) + " 0");
          xml.writeEndElement();
        }
        default -> xml.writeCharacters((index == 0 ? "" : " ") + lonLat(point));
      }
    });
  }

  private static String lonLat(TrackPoint point) {
    return plain(point.position().lon()) + "," + plain(point.position().lat());
  }

  @Override
  protected void onPassEnd(int pass, long points) {
    write(() -> {
      if (pass == COORDINATES) {
        xml.writeEndElement();
        xml.writeEndElement();
      } else if (pass == LINE && points > 0) {
        if (onlyPointOfPass() != null) {
          xml.writeCharacters(" " + lonLat(onlyPointOfPass()));
        }
        xml.writeEndElement();
        xml.writeEndElement();
        xml.writeEndElement();
      }
    });
  }
}
