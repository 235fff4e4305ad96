package io.codedelivery.export;

import java.io.OutputStream;
import java.util.regex.Pattern;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The XML formats' common ground: the JDK's StAX writer, which escapes text and attribute values itself; text that
 * XML 1.0 cannot hold at all (control characters a reference may carry) is dropped before it is written.
 */
abstract class XmlTrackWriter extends TrackWriter {
  private static final XMLOutputFactory FACTORY = XMLOutputFactory.newDefaultFactory();
  private static final Pattern NOT_XML = Pattern.compile("[^\\x09\\x0A\\x0D\\x20-\\uD7FF\\uE000-\\uFFFD\\x{10000}-\\x{10FFFF}]");

  protected final XMLStreamWriter xml;
  private final QName root;
  private final QName prefixed;

  /**
   * @param root the document element, in the default namespace
   * @param prefixed a second namespace the document uses, declared on the root under its prefix
   */
  protected XmlTrackWriter(OutputStream out, String deliveryId, String name, int passes, QName root, QName prefixed) {
    super(out, deliveryId, name, passes);
    this.root = root;
    this.prefixed = prefixed;
    this.xml = run(() -> FACTORY.createXMLStreamWriter(out, "UTF-8"));
  }

  /** The XML declaration, the root element with its namespaces, then what the format writes before the points. */
  @Override
  public final void begin() {
    write(() -> {
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeStartElement(root.getLocalPart());
      xml.writeDefaultNamespace(root.getNamespaceURI());
      xml.writeNamespace(prefixed.getPrefix(), prefixed.getNamespaceURI());
      beginTrack();
    });
  }

  /** Inside the root element, before the first pass. */
  protected abstract void beginTrack() throws XMLStreamException;

  /** A step of writing; the writer's failures are programming errors or a broken stream, not the caller's to handle. */
  protected interface XmlStep {
    void write() throws XMLStreamException;
  }

  private interface XmlResult<T> {
    T get() throws XMLStreamException;
  }

  protected static void write(XmlStep step) {
    run(() -> {
      step.write();
      return null;
    });
  }

  private static <T> T run(XmlResult<T> step) {
    try {
      return step.get();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("the track could not be written as XML", e);
    }
  }

  /** {@code <name>text</name>} in the current default namespace. */
  protected void textElement(String element, String text) throws XMLStreamException {
    xml.writeStartElement(element);
    xml.writeCharacters(xmlText(text));
    xml.writeEndElement();
  }

  static String xmlText(String text) {
    return NOT_XML.matcher(text).replaceAll("");
  }

  @Override
  public void flush() {
    write(xml::flush);
  }

  @Override
  public void end() {
    write(() -> {
      xml.writeEndDocument();
      xml.flush();
    });
  }
}
