package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which names a static root serves, as Vert.x would resolve them: the disk's copy first, then the class path, files
 * inside a library's jar included; anything else is no file. A file a developer adds on disk later is found too.
 */
class StaticFilesTest {
  private static final String LEAFLET = "/leaflet/1.9.4/dist/leaflet.js";

  @Test
  void aFileInsideALibrarysJarIsListedAndReadAsTheClassPathHasIt() throws Exception {
    StaticFiles webjars = StaticFiles.list("META-INF/resources/webjars");

    StaticFiles.Source leaflet = webjars.find(LEAFLET);

    assertThat(leaflet).isNotNull();
    assertThat(leaflet.classPath().getProtocol()).isEqualTo("jar");
    byte[] expected;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/resources/webjars" + LEAFLET)) {
      expected = in.readAllBytes();
    }
    assertThat(leaflet.readClassPath()).isEqualTo(expected);
    assertThat(leaflet.size()).isEqualTo(expected.length);
    assertThat(webjars.find("/leaflet/1.9.4/dist/no-such.js")).isNull();
    assertThat(webjars.find("/leaflet/1.9.4/dist")).as("a directory is not a file").isNull();
    assertThat(webjars.onDisk()).isFalse();
    assertThat(webjars.findAddedOnDisk("/leaflet.js")).as("no disk root to look in").isNull();
  }

  /** The fat jar is a multi-release jar with directory entries, where the class path names a directory differently. */
  @Test
  void theFilesOfADirectoryInAMultiReleaseJarAreListedAndRead(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("app.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MULTI_RELEASE, "true");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      for (String[] entry : new String[][] {{"site/", null}, {"site/a.js", "a"}, {"site/sub/", null}, {"site/sub/b.css", "bb"},
          {"sitemap.txt", "not under site/"}}) {
        out.putNextEntry(new JarEntry(entry[0]));
        if (entry[1] != null) {
          out.write(entry[1].getBytes(StandardCharsets.UTF_8));
        }
        out.closeEntry();
      }
    }
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      thread.setContextClassLoader(loader);
      StaticFiles site = StaticFiles.list("site");

      assertThat(new String(site.find("/a.js").readClassPath(), StandardCharsets.UTF_8)).isEqualTo("a");
      assertThat(new String(site.find("/sub/b.css").readClassPath(), StandardCharsets.UTF_8)).isEqualTo("bb");
      assertThat(site.find("/sub/b.css").size()).isEqualTo(2);
      assertThat(site.find("/sub")).isNull();
      assertThat(site.find("/map.txt")).isNull();
    } finally {
      thread.setContextClassLoader(before);
    }
  }

  @Test
  void theCheckoutsWebrootIsServedFromDiskWhereItIsEditedAndItsSubdirectoriesAreListed() {
    StaticFiles webroot = StaticFiles.list("webroot");

    assertThat(webroot.find("/app.js").disk()).isEqualTo(Path.of("webroot/app.js").toAbsolutePath());
    assertThat(webroot.find("/vendor/vertx-eventbus.js").disk()).isNotNull();
    assertThat(webroot.find("/a/b/c")).isNull();
    assertThat(webroot.find("/.env")).isNull();
  }

  @Test
  void aFileAddedOnDiskAfterTheListIsFoundAndNothingOutsideTheRoot(@TempDir Path dir) throws Exception {
    Path root = Files.createDirectory(dir.resolve("site"));
    Files.writeString(root.resolve("first.js"), "1");
    Files.writeString(dir.resolve("secret.txt"), "outside");
    StaticFiles site = StaticFiles.list(root.toString());

    Files.writeString(root.resolve("later.js"), "2");

    assertThat(site.find("/first.js")).isNotNull();
    assertThat(site.find("/later.js")).isNull();
    assertThat(site.findAddedOnDisk("/later.js").disk()).isEqualTo(root.resolve("later.js"));
    assertThat(site.find("/later.js")).as("remembered").isNotNull();
    assertThat(site.findAddedOnDisk("/missing.js")).isNull();
    assertThat(site.findAddedOnDisk("/../secret.txt")).isNull();
    assertThat(Files.readString(site.find("/first.js").disk(), StandardCharsets.UTF_8)).isEqualTo("1");
  }
}
