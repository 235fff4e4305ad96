package io.codedelivery.browser;

import io.codedelivery.support.TempDirs;
import io.codedelivery.support.TestStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.logging.Level;
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
 * screenshots saved under {@code target/screenshots/}, signing in through the sign-in page as a user does, and
 * reads of what the page shows (its DOM: lists, replay controls, the shapes drawn on the map). The one read beyond
 * the DOM is the seqs the page holds for a delivery ({@code window.codeDelivery.seqsHeld}, the page's operator check).
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of(System.getProperty("webdriver.chrome.driver", "/usr/bin/chromedriver"));
  static final Duration WAIT = Duration.ofSeconds(60);
  /** The first admin of every test stack (its password is {@link TestStack#ADMIN_PASSWORD}). */
  static final String ADMIN = "admin";
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

  /** A new browser signed in as the stack's admin through its sign-in page (showing the console); closed if that fails. */
  static Browser openSignedIn(TestStack stack) {
    Browser browser = open();
    try {
      browser.signInAsAdmin(stack);
      return browser;
    } catch (RuntimeException | Error e) {
      browser.close();
      throw e;
    }
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

  /**
   * Signs in through the site's sign-in page, typing the name and password as a user does, and waits until the
   * console it lands on shows who is signed in. The session cookie is then this browser's for every page of the site.
   */
  void signIn(String baseUrl, String username, String password) {
    get(baseUrl + "/signin");
    submitSignIn(username, password);
    waiting().until(ExpectedConditions.textToBe(By.id("account-user"), username));
  }

  /** Signs in as the stack's first admin ({@link TestStack#ADMIN_PASSWORD}) through its sign-in page. */
  void signInAsAdmin(TestStack stack) {
    signIn(stack.baseUrl(), ADMIN, TestStack.ADMIN_PASSWORD);
  }

  /** Types a user name and password into the sign-in page on screen and presses "Sign in". */
  void submitSignIn(String username, String password) {
    waiting().until(ExpectedConditions.elementToBeClickable(By.id("signin-submit")));
    WebElement name = find("#username");
    name.clear();
    name.sendKeys(username);
    WebElement secret = find("#password");
    secret.clear();
    secret.sendKeys(password);
    find("#signin-submit").click();
  }

  /** The path, query and fragment of the page on screen (the part after the origin). */
  String pathAndFragment() {
    return (String) js("return location.pathname + location.search + location.hash;");
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

  /**
   * Ids of the deliveries a list ({@code active} or {@code recent}) shows under the chosen search and filters, in page
   * order. The page holds only the rows in view and a margin (list-window.js); a longer list is scrolled through, as a
   * user would, and scrolled back.
   */
  @SuppressWarnings("unchecked")
  List<String> deliveryIdsIn(String listId) {
    return (List<String>) ((JavascriptExecutor) driver).executeAsyncScript("""
        const [listId, done] = arguments;
        const list = document.getElementById(listId);
        const ids = [];
        const collect = () => {
          for (const item of list.querySelectorAll(':scope > li.delivery')) {
            if (!ids.includes(item.dataset.deliveryId)) { ids.push(item.dataset.deliveryId); }
          }
        };
        collect();
        const style = getComputedStyle(list);
        if (parseFloat(style.paddingTop) === 0 && parseFloat(style.paddingBottom) === 0) { done(ids); return; }
        let scroller = list.parentElement;
        while (scroller && !(/auto|scroll/.test(getComputedStyle(scroller).overflowY) && scroller.scrollHeight > scroller.clientHeight)) {
          scroller = scroller.parentElement;
        }
        scroller ??= document.scrollingElement;
        const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        (async () => {
          const before = scroller.scrollTop;
          const scrollerTop = scroller === document.scrollingElement ? 0 : scroller.getBoundingClientRect().top;
          const listStart = list.getBoundingClientRect().top - scrollerTop + scroller.scrollTop;
          // Each step scrolls so that the last screen of items the page held comes to the top: the rows the list puts
          // in next overlap those (it holds a margin beyond the screen), and a long list takes a few steps, not one per
          // screen (a loaded browser draws a fleet's console at a few frames a second).
          for (let top = listStart; ; ) {
            scroller.scrollTop = top;
            await frame();
            collect();
            const heldEnd = listStart + list.offsetHeight - parseFloat(getComputedStyle(list).paddingBottom);
            const next = Math.max(top + scroller.clientHeight, heldEnd - scroller.clientHeight);
            if (heldEnd >= listStart + list.offsetHeight || next >= listStart + list.offsetHeight) { break; }
            top = next;
          }
          scroller.scrollTop = before;
          await frame();
          done(ids);
        })();""", listId);
  }

  /** Texts of the notices on screen now (they disappear after a few seconds). */
  List<String> noticeTexts() {
    return findAll("#notices div.notice").stream().map(WebElement::getText).toList();
  }

  /** Texts of the delivery-event notifications on screen now ("Downtown loop delivered", "3 running late"). */
  List<String> eventNoticeTexts() {
    return findAll("#event-notices .event-notice-open").stream().map(WebElement::getText).toList();
  }

  /** Texts of the error notices on screen now. */
  List<String> errorNoticeTexts() {
    return findAll("#notices div.notice.error").stream().map(WebElement::getText).toList();
  }

  /** Ids of the deliveries whose travelled trail the map draws now. */
  @SuppressWarnings("unchecked")
  Set<String> trailsOnMap() {
    return Set.copyOf((List<String>) js("return [...document.querySelectorAll('#map path.trail')].map((path) => path.dataset.deliveryId);"));
  }

  /** Lines Leaflet has drawn on the map (planned routes and travelled trails are SVG paths). */
  int drawnLineCount() {
    return findAll("#map .leaflet-overlay-pane path").size();
  }

  /**
   * What the page shows of one delivery: its list item (title, finished), its vehicle on the map (centre in
   * map pixels, null while not drawn) and the seqs it holds; null while the page does not list it.
   */
  PageDelivery delivery(String id) {
    @SuppressWarnings("unchecked")
    Map<String, Object> raw = (Map<String, Object>) js(MAP_SHAPES + """
        const id = arguments[0];
        const item = document.querySelector(`li.delivery[data-delivery-id="${CSS.escape(id)}"]`);
        if (!item) { return null; }
        return {
          id, title: item.querySelector('.delivery-title').textContent, finished: item.classList.contains('finished'),
          seqs: window.codeDelivery.seqsHeld(id), vehicle: vehicleCentre(id),
        };""", id);
    return raw == null ? null : PageDelivery.of(raw);
  }

  /**
   * The points of a delivery's planned route as drawn (map pixels, the same space as the vehicle's centre):
   * Leaflet drops points that lie within a pixel of the line, never the first or the last.
   */
  List<List<Double>> plannedRouteDrawn(String id) {
    @SuppressWarnings("unchecked")
    List<List<Number>> raw = (List<List<Number>>) js(MAP_SHAPES + "return pointsOf('planned-route', arguments[0]);", id);
    return raw.stream().map(p -> p.stream().map(Number::doubleValue).toList()).toList();
  }

  /** Reads of Leaflet's SVG shapes: circle markers and polylines write their pixel geometry into the path. */
  private static final String MAP_SHAPES = """
      const shape = (kind, id) => document.querySelector(`#map path.${kind}[data-delivery-id="${CSS.escape(id)}"]`);
      const vehicleCentre = (id) => {
        const m = /^M(-?[\\d.]+),(-?[\\d.]+)a(-?[\\d.]+),/.exec(shape('vehicle', id)?.getAttribute('d') ?? '');
        return m ? [Number(m[1]) + Number(m[3]), Number(m[2])] : null;
      };
      const pointsOf = (kind, id) => [...(shape(kind, id)?.getAttribute('d') ?? '').matchAll(/[ML](-?[\\d.]+) (-?[\\d.]+)/g)]
          .map(m => [Number(m[1]), Number(m[2])]);
      """;

  /**
   * The replay as its controls show it, or null while they are hidden: the delivery whose item is marked as
   * replaying, the slider's point (index) and length (count), the play button's state and the chosen speed.
   */
  @SuppressWarnings("unchecked")
  Map<String, Object> replay() {
    return (Map<String, Object>) js("""
        const section = document.getElementById('replay');
        if (section.hidden) { return null; }
        const slider = document.getElementById('replay-slider');
        const button = document.getElementById('replay-play').textContent;
        const item = document.querySelector('li.delivery.replaying');
        return {
          deliveryId: item ? item.dataset.deliveryId : null,
          index: Number(slider.value), count: Number(slider.max) + 1, valueText: slider.getAttribute('aria-valuetext'),
          playing: button === 'Pause', done: button === 'Replay',
          speed: Number(document.getElementById('replay-speed').value),
        };""");
  }

  /** Lets pages of this origin read the location without asking, as if the user had pressed Allow (DevTools). */
  void grantGeolocation(String origin) {
    driver.executeCdpCommand("Browser.grantPermissions", Map.of("origin", origin, "permissions", List.of("geolocation")));
  }

  /** Where the Geolocation API says this browser is from now on, as a phone's GPS would (DevTools' sensor override). */
  void placeAt(double lat, double lon, double accuracyMetres) {
    driver.executeCdpCommand("Emulation.setGeolocationOverride",
        Map.of("latitude", lat, "longitude", lon, "accuracy", accuracyMetres));
  }

  /**
   * Lets pages of this origin write and read the clipboard without asking, as if the user had allowed it
   * (DevTools), so a test can read what "Copy link" put there.
   */
  void grantClipboard(String origin) {
    driver.executeCdpCommand("Browser.grantPermissions",
        Map.of("origin", origin, "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
  }

  /** The text on the clipboard now, read by the page on screen (the browser awaits the Clipboard API's promise). */
  String clipboardText() {
    return (String) js("return navigator.clipboard.readText();");
  }

  /** Resizes the browser window (CSS pixels), e.g. to a phone's 360 px width. */
  void resize(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
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

  /**
   * A delivery as the page shows it: the title of its list item, whether it is marked finished, the seqs the
   * page holds, and its vehicle's centre in map pixels (null while no vehicle is drawn).
   */
  record PageDelivery(String id, String title, boolean finished, List<Long> seqs, List<Double> vehicle) {
    @SuppressWarnings("unchecked")
    static PageDelivery of(Map<String, Object> raw) {
      List<Long> seqs = ((List<Object>) raw.get("seqs")).stream().map(s -> ((Number) s).longValue()).toList();
      List<Object> at = (List<Object>) raw.get("vehicle");
      List<Double> vehicle = at == null ? null : at.stream().map(n -> ((Number) n).doubleValue()).toList();
      return new PageDelivery((String) raw.get("id"), (String) raw.get("title"),
          Boolean.TRUE.equals(raw.get("finished")), seqs, vehicle);
    }
  }

  /**
   * What axe-core (the accessibility rules engine, its script read from the test class path) finds on the page on
   * screen that is serious or critical, one readable line per rule and element: the rule, its help text and what to
   * fix on which element (its CSS selector), so a failing test says what to change. Empty when the page passes.
   * What axe cannot decide alone (text over the map, whose colours it cannot read) is left to a person.
   */
  @SuppressWarnings("unchecked")
  List<String> seriousAccessibilityViolations() {
    if (!Boolean.TRUE.equals(js("return typeof window.axe === 'object';"))) {
      js(AxeScript.SOURCE);
    }
    Object found = ((JavascriptExecutor) driver).executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        // Axe's rules as they come, plus one it still calls experimental: a control whose name does not contain its
        // visible words (what a voice-control user says to press it).
        axe.run(document, { resultTypes: ['violations'], rules: { 'label-content-name-mismatch': { enabled: true } } }).then(
          (results) => done(results.violations
            .filter((rule) => rule.impact === 'serious' || rule.impact === 'critical')
            .flatMap((rule) => rule.nodes.map((node) => `${rule.id} (${rule.impact}): ${rule.help} at ${node.target.join(' ')}`
              + ` — ${(node.failureSummary ?? '').replace(/\\s+/g, ' ')}`))),
          (error) => done([`axe could not run: ${error}`]));""");
    return (List<String>) found;
  }

  /**
   * The controls on screen a finger can hardly hit: every visible button, link, form field and summary whose box is
   * under 44×44 CSS pixels (WCAG's "target size (enhanced)"), with the label around a checkbox or radio counted as
   * its target, since a tap on the label ticks it. A link inside a line of text (the map's attribution) is the one
   * exception WCAG makes, as it can only be as tall as the line. Each as "what it is: width×height".
   */
  @SuppressWarnings("unchecked")
  List<String> smallTouchTargets() {
    return (List<String>) js("""
        const describe = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
          + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
          + ` "${(e.textContent || e.getAttribute('aria-label') || e.name || '').trim().slice(0, 40)}"`;
        return [...document.querySelectorAll('button, a[href], input:not([type=hidden]), select, textarea, summary, [role=button]')]
          .filter((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
          .filter((e) => !(e.tagName === 'A' && getComputedStyle(e).display === 'inline'
            && e.parentElement.textContent.trim() !== e.textContent.trim()))
          .map((e) => {
            const target = (e.type === 'checkbox' || e.type === 'radio') && e.closest('label') ? e.closest('label') : e;
            const box = target.getBoundingClientRect();
            return { e, width: Math.round(box.width * 10) / 10, height: Math.round(box.height * 10) / 10 };
          })
          .filter(({ width, height }) => width < 44 || height < 44)
          .map(({ e, width, height }) => `${describe(e)}: ${width}×${height}`);""");
  }

  /**
   * The delivery items whose title runs out of the item (wider than the screen lets it be), as "id: title"; empty when
   * every title fits, wrapped if need be.
   */
  @SuppressWarnings("unchecked")
  List<String> overflowingDeliveryTitles() {
    return (List<String>) js("""
        return [...document.querySelectorAll('li.delivery')].filter((item) => item.getClientRects().length > 0)
          .filter((item) => {
            const title = item.querySelector('.delivery-title').getBoundingClientRect();
            const box = item.getBoundingClientRect();
            return title.right > box.right + 0.5 || item.scrollWidth > item.clientWidth;
          })
          .map((item) => `${item.dataset.deliveryId}: ${item.querySelector('.delivery-title').textContent}`);""");
  }

  /** The id of the element that has the keyboard focus now ("" for one without an id, null for none but the body). */
  String focusedId() {
    return (String) js("const e = document.activeElement; return e && e !== document.body ? e.id : null;");
  }

  /** axe-core's script, read from the class path (the axe-core jar) the first time a test asks. */
  private static final class AxeScript {
    static final String SOURCE = read();

    private static String read() {
      try (var in = Browser.class.getClassLoader().getResourceAsStream("axe.min.js")) {
        if (in == null) {
          throw new IllegalStateException("axe.min.js is not on the test class path: the axe-core test dependency is missing");
        }
        return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  // ---- The console at fleet scale (issue 18): its counts, filtered lists and clustered vehicles. ----

  /** The number on a status button of the console ({@code all}, {@code assigned}, {@code en-route}, {@code late}…). */
  int statusCount(String status) {
    return Integer.parseInt(find("#status-counts button[data-status='" + status + "'] .count").getText());
  }


  /**
   * What is drawn on top at the centre of each depot square of the route catalogue, in the catalogue's order:
   * {@code cluster} (a cluster of vehicles), {@code vehicle}, {@code depot} (nothing over it), or the classes of
   * whatever else is. The depots ignore the pointer (a click goes through them to the map), so for this probe alone
   * they are hit-tested like the rest, and the browser's own hit test says which is painted above the other.
   */
  @SuppressWarnings("unchecked")
  List<String> topmostAtDepots() {
    return (List<String>) js("""
        const depots = [...document.querySelectorAll('#map .depot')];
        depots.forEach((depot) => { depot.style.pointerEvents = 'auto'; });
        try {
          return depots.map((depot) => {
            const box = depot.getBoundingClientRect();
            const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
            if (top === null) { return 'nothing (off screen)'; }
            if (top.closest('.marker-cluster')) { return 'cluster'; }
            if (top.classList.contains('vehicle')) { return 'vehicle'; }
            return top === depot ? 'depot' : String(top.className?.baseVal ?? top.className);
          });
        } finally {
          depots.forEach((depot) => { depot.style.pointerEvents = ''; });
        }""");
  }

  /**
   * The vehicles the map accounts for: the numbers on its clusters (Leaflet.markercluster's icons) plus the vehicles
   * drawn on their own; and how many clusters there are.
   */
  @SuppressWarnings("unchecked")
  Map<String, Long> vehiclesOnMap() {
    Map<String, Number> raw = (Map<String, Number>) js("""
        const clusters = [...document.querySelectorAll('#map .marker-cluster')];
        const clustered = clusters.reduce((sum, c) => sum + Number(c.textContent.trim() || 0), 0);
        const single = document.querySelectorAll('#map path.vehicle').length;
        return { clusters: clusters.length, vehicles: clustered + single };""");
    return Map.of("clusters", raw.get("clusters").longValue(), "vehicles", raw.get("vehicles").longValue());
  }
}
