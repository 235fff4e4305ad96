package io.codedelivery.browser;

import io.codedelivery.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator console in headless Chromium, measured from inside the page for the console benchmark
 * ({@code io.codedelivery.bench.ConsoleBenchmark}). It lives in the browser tests' package, from the benchmark's
 * source root, because it drives their {@link Browser} (package-private there): signed in as the stack's admin
 * through the sign-in page, as an operator is.
 *
 * <p>Before the console's first script runs, a probe is installed in every document (DevTools'
 * {@code Page.addScriptToEvaluateOnNewDocument}) that records, in the page itself: the time between animation frames
 * ({@code requestAnimationFrame} timestamps), the Long Tasks (tasks over 50 ms, {@code PerformanceObserver
 * 'longtask'}), the Long Animation Frames with the scripts that took their time, and each fleet-feed message the page
 * receives (its states and their age on arrival), counted on the way to the console's own handler. Its counts are
 * read, and started afresh, by {@link #take()}. The renderer's own accounts of its main thread (task, script, layout
 * and style time) come from DevTools' {@code Performance.getMetrics}.
 */
public final class ConsoleProbe implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(500);

  /**
   * Runs before any script of each document. The event bus client (vendor/vertx-eventbus.js) defines the global
   * EventBus; a setter on window wraps its registerHandler as it is defined, so the fleet feed's messages are counted
   * before the console's handler takes them (the page's code is not changed for the benchmark).
   */
  private static final String PROBE = """
      (() => {
        if (window.__consoleProbe) { return; }
        const fresh = () => ({ frames: [], longTaskMs: 0, longTasks: 0, loafs: 0, loafBlockingMs: 0, scripts: new Map(),
          batches: 0, states: 0, ages: [] });
        let counts = fresh();
        let lastFrame = null;
        const frame = (now) => {
          if (lastFrame !== null) { counts.frames.push(now - lastFrame); }
          lastFrame = now;
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
        const unsupported = [];
        const observe = (type, onEntry) => {
          try {
            new PerformanceObserver((list) => list.getEntries().forEach(onEntry)).observe({ type });
          } catch (e) {
            unsupported.push(type);
          }
        };
        observe('longtask', (task) => { counts.longTasks++; counts.longTaskMs += task.duration; });
        observe('long-animation-frame', (loaf) => {
          counts.loafs++;
          counts.loafBlockingMs += loaf.blockingDuration;
          for (const s of loaf.scripts) {
            const where = `${(s.sourceURL || '').replace(location.origin, '')}:${s.sourceCharPosition}`;
            const key = `${s.invokerType} ${s.invoker} -> ${s.sourceFunctionName || '(anonymous)'} ${where}`;
            counts.scripts.set(key, (counts.scripts.get(key) ?? 0) + s.duration);
          }
        });
        const counted = (handler) => function (err, message) {
          const states = message?.body?.deliveries;
          if (Array.isArray(states)) {
            const now = Date.now();
            counts.batches++;
            counts.states += states.length;
            for (const state of states) {
              const at = Date.parse(state?.timestamp);
              if (at === at) { counts.ages.push(now - at); }
            }
          }
          return handler.apply(this, arguments);
        };
        let bus;
        Object.defineProperty(window, 'EventBus', {
          configurable: true,
          get: () => bus,
          set: (value) => {
            bus = value;
            const register = value.prototype.registerHandler;
            value.prototype.registerHandler = function (address, headers, callback) {
              if (address === 'deliveries.fleet') {
                if (typeof headers === 'function') { headers = counted(headers); } else { callback = counted(callback); }
              }
              return register.call(this, address, headers, callback);
            };
          },
        });
        window.__consoleProbe = {
          unsupported,
          take() {
            const taken = counts;
            counts = fresh();
            const scripts = [...taken.scripts].map(([script, ms]) => ({ script, ms }));
            return { ...taken, scripts };
          },
        };
      })();
      """;

  private final Browser browser;

  private ConsoleProbe(Browser browser) {
    this.browser = browser;
  }

  /**
   * A headless Chromium with the probe installed, signed in as the stack's admin through the sign-in page, which lands
   * on the console; returns once the console is connected ("live").
   */
  public static ConsoleProbe open(TestStack stack) {
    Browser browser = Browser.open();
    try {
      browser.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", PROBE));
      browser.driver().executeCdpCommand("Performance.enable", Map.of());
      browser.signInAsAdmin(stack);
      browser.waiting().until(ExpectedConditions.textToBe(By.id("connection"), "live"));
      return new ConsoleProbe(browser);
    } catch (RuntimeException | Error e) {
      browser.close();
      throw e;
    }
  }

  /** Chromium's version, as the browser reports it (e.g. 156.0.8078.114). */
  public String chromiumVersion() {
    return browser.driver().getCapabilities().getBrowserVersion();
  }

  /** Deliveries the console says are on the road ("(1000 on the road)" by the Fleet heading); -1 before it says. */
  public int onTheRoad() {
    Object text = browser.js("return document.getElementById('fleet-total')?.textContent ?? '';");
    String digits = String.valueOf(text).replaceAll("\\D", "");
    return digits.isEmpty() ? -1 : Integer.parseInt(digits);
  }

  /**
   * Waits until the console shows at least {@code n} deliveries on the road, telling {@code progress} what it shows
   * every half second; false when it did not within {@code limit}.
   */
  public boolean awaitOnTheRoad(int n, Duration limit, IntConsumer progress) {
    try {
      new WebDriverWait(browser.driver(), limit, POLL).until(driver -> {
        int shown = onTheRoad();
        progress.accept(shown);
        return shown >= n;
      });
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }

  /** Vehicles the map accounts for (clusters' numbers plus single vehicles) and how many clusters. */
  public Map<String, Long> vehiclesOnMap() {
    return browser.vehiclesOnMap();
  }

  /**
   * What the page recorded since the last take, and a fresh start: {@code frames} (ms between animation frames),
   * {@code longTasks} and {@code longTaskMs}, {@code loafs} and {@code loafBlockingMs} (Long Animation Frames),
   * {@code scripts} ([{script, ms}], the scripts those frames spent their time in), {@code batches} and {@code states}
   * (fleet-feed messages and the delivery states in them), {@code ages} (ms from each state's timestamp to its
   * arrival in the page).
   */
  @SuppressWarnings("unchecked")
  public JsonObject take() {
    return new JsonObject((Map<String, Object>) browser.js("return window.__consoleProbe.take();"));
  }

  /** Entry types the probe could not observe in this Chromium (e.g. long-animation-frame before Chromium 123). */
  @SuppressWarnings("unchecked")
  public List<String> unsupportedEntryTypes() {
    return (List<String>) browser.js("return window.__consoleProbe.unsupported;");
  }

  /**
   * The renderer's cumulative accounts of the page (DevTools' Performance.getMetrics): TaskDuration, ScriptDuration,
   * LayoutDuration, RecalcStyleDuration (seconds of the main thread), LayoutCount, RecalcStyleCount, Nodes,
   * JSHeapUsedSize…
   */
  @SuppressWarnings("unchecked")
  public Map<String, Double> metrics() {
    Map<String, Object> answer = browser.driver().executeCdpCommand("Performance.getMetrics", Map.of());
    Map<String, Double> metrics = new HashMap<>();
    for (Map<String, Object> metric : (List<Map<String, Object>>) answer.get("metrics")) {
      metrics.put((String) metric.get("name"), ((Number) metric.get("value")).doubleValue());
    }
    return metrics;
  }

  /**
   * How large the page is now: its elements, the items of the Active and Recent lists, and what the map draws (its
   * elements, SVG paths: routes, trails and single vehicles, and cluster icons).
   */
  @SuppressWarnings("unchecked")
  public JsonObject size() {
    return new JsonObject((Map<String, Object>) browser.js("""
        const count = (css) => document.querySelectorAll(css).length;
        return { elements: count('*'), activeItems: count('#active > li'), recentItems: count('#recent > li'),
          mapElements: count('#map *'), mapPaths: count('#map path'), clusters: count('#map .marker-cluster') };"""));
  }

  /** Starts DevTools' sampling profiler of the page's scripts (a sample every {@code intervalMicros}). */
  public void startProfiling(int intervalMicros) {
    browser.driver().executeCdpCommand("Profiler.enable", Map.of());
    browser.driver().executeCdpCommand("Profiler.setSamplingInterval", Map.of("interval", intervalMicros));
    browser.driver().executeCdpCommand("Profiler.start", Map.of());
  }

  /** Stops the profiler: the profile as DevTools gives it (a .cpuprofile's content: nodes, samples, timeDeltas). */
  @SuppressWarnings("unchecked")
  public JsonObject stopProfiling() {
    Map<String, Object> answer = browser.driver().executeCdpCommand("Profiler.stop", Map.of());
    return new JsonObject((Map<String, Object>) answer.get("profile"));
  }

  /** Error notices on screen now, and the browser console's errors so far. */
  public List<String> problems() {
    return Stream.concat(browser.errorNoticeTexts().stream().map(text -> "notice: " + text),
        browser.severeConsoleEntries().stream()).toList();
  }

  /** Saves {@code target/screenshots/<name>.png}. */
  public void screenshot(String name) {
    browser.screenshot(name);
  }

  @Override
  public void close() {
    browser.close();
  }
}
