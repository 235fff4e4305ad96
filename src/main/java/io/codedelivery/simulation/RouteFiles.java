package io.codedelivery.simulation;

import io.codedelivery.model.LatLon;
import io.codedelivery.model.Route;
import io.codedelivery.model.RouteCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads routes in the original simulator's destination-file format: a file {@code <id>.txt} with one
 * {@code lat,lng} pair per line. Lines starting with {@code #} are comments; {@code # title: …} names the route.
 */
public final class RouteFiles {
  private static final String TITLE_PREFIX = "# title:";

  private RouteFiles() {
  }

  /** @throws IllegalArgumentException naming the file and line of the first thing that cannot be read */
  public static RouteCatalog load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("route directory " + dir.toAbsolutePath()
          + " not found: run from the repository root or set ROUTES_DIR");
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Route> routes = files.filter(f -> f.getFileName().toString().endsWith(".txt")).sorted()
          .map(RouteFiles::read).toList();
      if (routes.isEmpty()) {
        throw new IllegalArgumentException("no route files (*.txt) in " + dir.toAbsolutePath());
      }
      return new RouteCatalog(routes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Route read(Path file) {
    String name = file.getFileName().toString();
    String id = name.substring(0, name.length() - ".txt".length());
    String title = "Route " + id;
    List<LatLon> points = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read route file " + file, e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith(TITLE_PREFIX)) {
        title = line.substring(TITLE_PREFIX.length()).strip();
      } else if (!line.isEmpty() && !line.startsWith("#")) {
        points.add(parsePoint(line, file, i + 1));
      }
    }
    try {
      return new Route(id, title, points);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static LatLon parsePoint(String line, Path file, int lineNumber) {
    String[] parts = line.split(",");
    try {
      if (parts.length == 2) {
        double lat = Double.parseDouble(parts[0].strip());
        double lon = Double.parseDouble(parts[1].strip());
        if (Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
          return new LatLon(lat, lon);
        }
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(file + ":" + lineNumber + ": expected 'lat,lng' (degrees), got '" + line + "'");
  }
}
