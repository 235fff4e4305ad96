package io.codedelivery.export;

import java.util.List;
import java.util.stream.Collectors;

/** RFC 4180 lines: fields separated by commas, CRLF at the end, a field quoted when it holds a comma, quote or line break. */
public final class Csv {
  private Csv() {
  }

  public static String line(List<String> fields) {
    return fields.stream().map(Csv::field).collect(Collectors.joining(",")) + "\r\n";
  }

  /**
   * Free text typed by someone (an order reference, a customer's name) as a field a spreadsheet shows as text: one
   * starting with {@code = + - @}, a tab or a carriage return is prefixed with {@code '}, so that Excel or LibreOffice
   * cannot take it for a formula (CSV injection).
   */
  public static String text(String value) {
    if (value == null || value.isEmpty()) {
      return value;
    }
    return "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
  }

  /** A field as written; null (nothing known) is an empty field. */
  static String field(String value) {
    if (value == null) {
      return "";
    }
    boolean quoted = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0;
    return quoted ? '"' + value.replace("\"", "\"\"") + '"' : value;
  }
}
