package io.codedelivery.export;

import java.io.OutputStream;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLStreamException;

/**
 * GPX 1.1: one {@code <trk>} named after the delivery, one {@code <trkseg>} of {@code <trkpt lat lon><time>}; a
 * device's reported speed (m/s) and course (degrees) go in Garmin's TrackPointExtension v2, which Garmin tools,
 * GPSBabel and Strava read.
 */
final class GpxWriter extends XmlTrackWriter {
  static final String NAMESPACE = "http://www.topografix.com/GPX/1/1";
  static final String GARMIN_NAMESPACE = "http://www.garmin.com/xmlschemas/TrackPointExtension/v2";

  GpxWriter(OutputStream out, String deliveryId, String name) {
    super(out, deliveryId, name, 1, new QName(NAMESPACE, "gpx"), new QName(GARMIN_NAMESPACE, "TrackPointExtension", "gpxtpx"));
  }

  @Override
  protected void beginTrack() throws XMLStreamException {
    xml.writeAttribute("version", "1.1");
    xml.writeAttribute("creator", "Code Delivery");
    xml.writeStartElement("trk");
    textElement("name", name);
    xml.writeStartElement("trkseg");
  }

  @Override
  protected void onPoint(int pass, long index, TrackPoint point) {
    write(() -> {
      xml.writeStartElement("trkpt");
      xml.writeAttribute("lat", plain(point.position().lat()));
      xml.writeAttribute("lon", plain(point.position().lon()));
      textElement("time", point.time().toString());
      if (point.speed() != null || point.heading() != null) {
        xml.writeStartElement("extensions");
        xml.writeStartElement("gpxtpx", "TrackPointExtension", GARMIN_NAMESPACE);
        if (point.speed() != null) {
          xml.writeStartElement("gpxtpx", "speed", GARMIN_NAMESPACE);
          xml.writeCharacters(plain(point.speed()));
          xml.writeEndElement();
        }
        if (point.heading() != null) {
          xml.writeStartElement("gpxtpx", "course", GARMIN_NAMESPACE);
          xml.writeCharacters(plain(point.heading()));
          xml.writeEndElement();
        }
        xml.writeEndElement();
        xml.writeEndElement();
      }
      xml.writeEndElement();
    });
  }
}
