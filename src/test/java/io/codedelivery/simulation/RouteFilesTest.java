package io.codedelivery.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.codedelivery.model.Route;
import io.codedelivery.model.RouteCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteFilesTest {

  @Test
  void theShippedCatalogueHasTheThreeOriginalRoutesOfRealisticLength() {
    RouteCatalog catalogue = RouteFiles.load(Path.of("conf/routes"));

    assertThat(catalogue.all()).extracting(Route::id).containsExactly("1", "2", "3");
    assertThat(catalogue.all()).allSatisfy(route -> {
      assertThat(route.points()).hasSizeBetween(40, 300);
      assertThat(route.title()).isNotBlank().doesNotStartWith("Route ");
      assertThat(route.lengthMetres()).isBetween(1_000.0, 50_000.0);
    });
    assertThat(catalogue.find("1").orElseThrow().start().lat()).isEqualTo(-15.82594);
  }

  @Test
  void aMalformedLineIsReportedWithItsFileAndLine(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("7.txt"), "# title: Test\n-15.8,-47.9\n-15.81;-47.91\n");

    assertThatThrownBy(() -> RouteFiles.load(dir))
        .hasMessageContaining("7.txt:3")
        .hasMessageContaining("expected 'lat,lng'");
  }

  @Test
  void coordinatesOutOfRangeAreRefused(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("8.txt"), "-15.8,-47.9\n-95.0,-47.9\n");

    assertThatThrownBy(() -> RouteFiles.load(dir)).hasMessageContaining("8.txt:2");
  }

  @Test
  void aMissingDirectorySaysHowToFixIt() {
    assertThatThrownBy(() -> RouteFiles.load(Path.of("no/such/dir")))
        .hasMessageContaining("set ROUTES_DIR");
  }
}
