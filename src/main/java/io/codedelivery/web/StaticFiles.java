package io.codedelivery.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The files under one static root, listed once when the web role starts, where Vert.x's file resolver would look for
 * them: on disk relative to the working directory first (a checkout, where the page is edited while the process runs),
 * then on the class path (the jar, which is all a container has).
 * <p>
 * Why a list: asked for a name that is neither on disk nor already unpacked, the resolver unpacks the name's parent
 * directory from the jar, walking all of the jar's entries (tens of thousands) under one lock, and a missing name is
 * never unpacked, so it does that again for every miss. A scanner probing paths then cost tens of milliseconds each and
 * queued every other static request behind it. With the list, a name that is not a file is answered without looking.
 */
final class StaticFiles {
  /**
   * Where one file is read: {@code disk} may change while the process runs (its size is asked each time), a class-path
   * resource cannot.
   */
  record Source(Path disk, URL classPath, long size) {
    byte[] readClassPath() {
      try (InputStream in = classPath.openStream()) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + classPath, e);
      }
    }
  }

  private final Path diskRoot;
  /** By path relative to the root, with a leading slash as in a request ({@code /vendor/vertx-eventbus.js}). */
  private final Map<String, Source> files;

  private StaticFiles(Path diskRoot, Map<String, Source> files) {
    this.diskRoot = diskRoot;
    this.files = files;
  }

  /** Blocking (a directory walk, the jar's entries): run it on a worker. */
  static StaticFiles list(String root) {
    Map<String, Source> files = new ConcurrentHashMap<>();
    try {
      Enumeration<URL> onClassPath = Thread.currentThread().getContextClassLoader().getResources(root);
      while (onClassPath.hasMoreElements()) {
        listClassPath(onClassPath.nextElement(), files);
      }
      Path diskRoot = Path.of(root).toAbsolutePath();
      if (Files.isDirectory(diskRoot)) {
        // After the class path: the disk's copy is the one served, as Vert.x resolves it.
        walk(diskRoot, path -> files.put(relative(diskRoot, path), new Source(path, null, -1)));
        return new StaticFiles(diskRoot, files);
      }
      return new StaticFiles(null, files);
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot list the static files under " + root + ": " + e.getMessage(), e);
    }
  }

  private static void listClassPath(URL directory, Map<String, Source> files) throws IOException, URISyntaxException {
    if ("file".equals(directory.getProtocol())) {
      Path root = Path.of(directory.toURI());
      walk(root, path -> files.put(relative(root, path), new Source(null, toUrl(path), sizeOf(path))));
    } else if (directory.openConnection() instanceof JarURLConnection connection) {
      // A multi-release jar (the fat jar is one) names the directory with its trailing slash, another jar without.
      String prefix = connection.getEntryName().endsWith("/") ? connection.getEntryName() : connection.getEntryName() + "/";
      // The JDK keeps the jar open and cached; closing it here would close it for the class loader too.
      connection.setUseCaches(true);
      JarFile jar = connection.getJarFile();
      for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
        JarEntry entry = entries.nextElement();
        if (!entry.isDirectory() && entry.getName().startsWith(prefix)) {
          URL url = new URL("jar:" + connection.getJarFileURL() + "!/" + entry.getName());
          files.put(entry.getName().substring(prefix.length() - 1), new Source(null, url, entry.getSize()));
        }
      }
    }
  }

  private static void walk(Path root, java.util.function.Consumer<Path> file) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.filter(Files::isRegularFile).forEach(file);
    }
  }

  private static String relative(Path root, Path file) {
    return "/" + root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }

  private static long sizeOf(Path path) {
    try {
      return Files.size(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static URL toUrl(Path path) {
    try {
      return path.toUri().toURL();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean onDisk() {
    return diskRoot != null;
  }

  /** The file a request path names, or null. */
  Source find(String relative) {
    return files.get(relative);
  }

  /**
   * Blocking, and only where the root is on disk: a file added there since the list was made (a developer's new
   * script) is served without a restart. {@code relative} must be a plain path, no dot segments.
   */
  Source findAddedOnDisk(String relative) {
    if (diskRoot == null) {
      return null;
    }
    Path path = diskRoot.resolve(relative.substring(1)).normalize();
    if (!path.startsWith(diskRoot) || !Files.isRegularFile(path)) {
      return null;
    }
    Source added = new Source(path, null, -1);
    files.put(relative, added);
    return added;
  }
}
