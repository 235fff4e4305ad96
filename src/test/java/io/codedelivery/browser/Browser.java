package io.codedelivery.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.logging.Level;
import io.codedelivery.support.TempDirs;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium session for a browser test: a fresh profile, the console log kept for inspection,
 * screenshots saved under {@code target/screenshots/}, and reads of the page's own state
 * ({@code window.codeDelivery}).
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of(System.getProperty("webdriver.chrome.driver", "/usr/bin/chromedriver"));
  static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final ChromeDriver driver;
  private final Path profile;
  /** Browser log entries read so far: reading the log through WebDriver drains it, so they are kept here. */
  private final List<LogEntry> console = new ArrayList<>();

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Skips the calling test (class) when this machine has no Chromium: {@code .ci/run} installs it. */
  static void assumeInstalled() {
    Assumptions.assumeTrue(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
        "Chromium/chromedriver not installed: run .ci/run (installs them)");
  }

  static Browser open() {
    assumeInstalled();
    Path profile;
    try {
      profile = Files.createTempDirectory("code-delivery-chromium");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--window-size=1280,900", "--user-data-dir=" + profile);
    LoggingPreferences logging = new LoggingPreferences();
    logging.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logging);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    return new Browser(new ChromeDriver(service, options), profile);
  }

  ChromeDriver driver() {
    return driver;
  }

  void get(String url) {
    driver.get(url);
  }

  WebDriverWait waiting() {
    return new WebDriverWait(driver, WAIT, Duration.ofMillis(100));
  }

  /** Opens the page and waits until it is usable: connected ("live") and the route catalogue shown. */
  void openPage(String url) {
    get(url);
    try {
      waiting().until(ExpectedConditions.textToBe(By.id("connection"), "live"));
      waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#routes li.route button.start")));
    } catch (TimeoutException e) {
      throw new AssertionError("the page at " + url + " did not become usable; browser console: "
          + consoleEntries().stream().map(LogEntry::toString).toList(), e);
    }
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  List<WebElement> findAll(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Ids of the delivery items in a list ({@code active} or {@code recent}), in page order. */
  List<String> deliveryIdsIn(String listId) {
    return findAll("#" + listId + " li.delivery").stream().map(li -> li.getDomAttribute("data-delivery-id")).toList();
  }

  /** Texts of the notices on screen now (they disappear after a few seconds). */
  List<String> noticeTexts() {
    return findAll("#notices div.notice").stream().map(WebElement::getText).toList();
  }

  /** Texts of the error notices on screen now. */
  List<String> errorNoticeTexts() {
    return findAll("#notices div.notice.error").stream().map(WebElement::getText).toList();
  }

  /** Lines Leaflet has drawn on the map (planned routes and travelled trails are SVG paths). */
  int drawnLineCount() {
    return findAll("#map .leaflet-overlay-pane path").size();
  }

  /** What the page holds for one delivery (window.codeDelivery.deliveries), or null if it does not know it. */
  PageDelivery delivery(String id) {
    @SuppressWarnings("unchecked")
    Map<String, Object> raw = (Map<String, Object>) js("""
        const d = window.codeDelivery && window.codeDelivery.deliveries.get(arguments[0]);
        if (!d) { return null; }
        const at = d.marker ? d.marker.getLatLng() : null;
        return {
          id: d.id, routeId: d.routeId, finished: d.finished,
          seqs: d.positions.map(p => p.seq),
          marker: at ? [at.lat, at.lng] : null,
        };""", id);
    return raw == null ? null : PageDelivery.of(raw);
  }

  /** window.codeDelivery.replay: the replay on screen (deliveryId, index, count, playing, speed, done, position), or null. */
  @SuppressWarnings("unchecked")
  Map<String, Object> replay() {
    return (Map<String, Object>) js("""
        const r = window.codeDelivery && window.codeDelivery.replay;
        return r ? JSON.parse(JSON.stringify(r)) : null;""");
  }

  /** Resizes the browser window (CSS pixels), e.g. to a phone's 360 px width. */
  void resize(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** Ids of every delivery the page knows of. */
  @SuppressWarnings("unchecked")
  List<String> knownDeliveryIds() {
    return (List<String>) js("return Array.from(window.codeDelivery ? window.codeDelivery.deliveries.keys() : []);");
  }

  /** Saves a PNG of the whole window as {@code target/screenshots/<name>.png}. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.move(shot, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every console entry logged so far in this session. */
  List<LogEntry> consoleEntries() {
    driver.manage().logs().get(LogType.BROWSER).forEach(console::add);
    return List.copyOf(console);
  }

  /** Console errors (SEVERE), minus the ones the test expects (e.g. tiles that cannot load here). */
  List<String> severeConsoleEntries(Predicate<LogEntry> expected) {
    return consoleEntries().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .filter(expected.negate())
        .map(e -> e.getLevel() + " " + e.getMessage())
        .toList();
  }

  List<String> severeConsoleEntries() {
    return severeConsoleEntries(e -> false);
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      TempDirs.deleteTree(profile);
    }
  }

  /** A delivery as the page holds it: the seqs of its positions, whether it finished, its marker's spot. */
  record PageDelivery(String id, String routeId, boolean finished, List<Long> seqs, List<Double> marker) {
    @SuppressWarnings("unchecked")
    static PageDelivery of(Map<String, Object> raw) {
      List<Long> seqs = ((List<Object>) raw.get("seqs")).stream().map(s -> ((Number) s).longValue()).toList();
      List<Object> at = (List<Object>) raw.get("marker");
      List<Double> marker = at == null ? null : at.stream().map(n -> ((Number) n).doubleValue()).toList();
      return new PageDelivery((String) raw.get("id"), (String) raw.get("routeId"),
          Boolean.TRUE.equals(raw.get("finished")), seqs, marker);
    }
  }
}
