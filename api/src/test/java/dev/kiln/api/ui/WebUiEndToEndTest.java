package dev.kiln.api.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.kiln.api.testing.KilnServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The web UI end to end: a real Kiln (all roles) on a real PostgreSQL, the UI it serves from its
 * jar's webroot/, and headless Chromium clicking through it as a person would. Screenshots of each
 * state land in api/target/ui-screenshots/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebUiEndToEndTest {
  private static final List<String> TASKS = List.of("detect_outliers", "analyze_trends", "synthesize", "verdict");

  private KilnServer server;
  private Playwright playwright;
  private Browser browser;
  private BrowserContext context;
  private Page page;
  private final List<String> consoleErrors = new ArrayList<>();

  @BeforeAll
  void start() {
    Path chromium = Browsers.requireChromium();
    server = KilnServer.start(Map.of());
    playwright = Browsers.playwright();
    browser = Browsers.launch(playwright, chromium);
    PlaywrightAssertions.setDefaultAssertionTimeout(30_000);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void openPage() {
    context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1366, 900));
    page = context.newPage();
    consoleErrors.clear();
    page.onConsoleMessage(m -> {
      // A refused submission (the 400 the invalid-input scenario provokes) is logged by Chromium itself.
      if (m.type().equals("error") && !m.text().startsWith("Failed to load resource")) {
        consoleErrors.add(m.text());
      }
    });
    page.onPageError(e -> consoleErrors.add("page error: " + e));
  }

  @AfterEach
  void closePage() {
    context.close();
    assertThat(consoleErrors).as("errors in the browser console").isEmpty();
  }

  private Locator node(Page p, String task) {
    return p.locator("kiln-dag g.node[data-task=\"" + task + "\"]");
  }

  @Test
  void the_example_runs_live_in_the_task_graph_and_ends_with_a_verdict_and_charts() {
    page.navigate(server.uri("/").toString());
    assertThat(page.locator("kiln-submit h2")).hasText("New analysis");
    Browsers.screenshot(page, "01-new-analysis", false);

    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Load example")).click();
    assertThat(page.locator("kiln-submit textarea")).hasValue(Pattern.compile("\"sensor_readings\""));
    assertThat(page.locator("kiln-submit .summary")).containsText("5 sensors");
    Browsers.screenshot(page, "02-example-loaded", false);

    // Watch every node's state from now on, frame by frame, and mark the page so a reload would show.
    page.evaluate("""
        () => {
          window.__noReload = true;
          window.__completedFrame = {};
          window.__frame = 0;
          window.__seen = {};
          const deep = (root, sel) => {
            let cur = root;
            for (const s of sel) { cur = (cur.shadowRoot || cur).querySelector(s); if (!cur) return null; }
            return cur;
          };
          const tick = () => {
            const dag = deep(document, ['kiln-app', 'kiln-workflow-view', 'kiln-dag']);
            if (dag) {
              for (const n of dag.shadowRoot.querySelectorAll('g.node')) {
                const t = n.getAttribute('data-task'), s = n.getAttribute('data-status');
                (window.__seen[t] ||= []).includes(s) || window.__seen[t].push(s);
                if (s === 'completed' && !(t in window.__completedFrame)) window.__completedFrame[t] = window.__frame;
              }
            }
            window.__frame++;
            requestAnimationFrame(tick);
          };
          tick();
        }
        """);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Run analysis")).click();
    page.waitForURL(Pattern.compile(".*#/workflows/\\d+$"));
    String id = page.url().replaceAll(".*#/workflows/", "");
    assertThat(page.locator("kiln-workflow-view h2#wf-title")).hasText("Workflow #" + id);
    for (String task : TASKS) {
      assertThat(node(page, task)).isVisible();
    }
    Browsers.screenshot(page, "03-just-submitted", false);

    for (String task : TASKS) {
      assertThat(node(page, task)).hasAttribute("data-status", "completed");
      assertThat(node(page, task)).containsText("completed");
    }
    // The frame in which each task was first drawn completed. A tiny task takes a few ms, so two
    // completions can reach the page within one frame and be drawn together; a task drawn
    // completed before what it depends on would be in an earlier frame.
    @SuppressWarnings("unchecked")
    Map<String, Object> drawn = (Map<String, Object>) page.evaluate("() => window.__completedFrame");
    Map<String, Integer> frame = new java.util.HashMap<>();
    drawn.forEach((task, n) -> frame.put(task, ((Number) n).intValue()));
    assertThat(frame).as("the frame each task was first drawn completed in").containsOnlyKeys(TASKS);
    assertThat(frame.get("synthesize")).isGreaterThanOrEqualTo(frame.get("detect_outliers"))
        .isGreaterThanOrEqualTo(frame.get("analyze_trends"));
    assertThat(frame.get("verdict")).isGreaterThanOrEqualTo(frame.get("synthesize"));
    assertThat(page.evaluate("() => window.__noReload === true")).as("the page never reloaded").isEqualTo(true);

    Locator verdict = page.locator("kiln-result kiln-verdict-badge[size=large]");
    assertThat(verdict).hasAttribute("verdict", "FAIL");
    assertThat(page.locator("kiln-result .summary")).containsText("Unstable sensors: 1");
    assertThat(page.locator("kiln-result .verdict")).containsText("Unstable: temp_2");
    // A chart per sensor (5) and per part and dimension (3 x 2), outliers marked, trends and bands drawn.
    assertThat(page.locator("kiln-result article.chart")).hasCount(11);
    assertThat(page.locator("kiln-result article.chart[data-series=\"pressure_1\"] path.outlier")).hasCount(2);
    assertThat(page.locator("kiln-result line.trend")).hasCount(5);
    assertThat(page.locator("kiln-result .band rect")).hasCount(6);
    assertThat(page.locator("kiln-result kiln-data-table").first().locator("tbody tr").first()).isVisible();
    assertThat(page.locator("kiln-history a[data-workflow=\"" + id + "\"] kiln-status-badge"))
        .hasAttribute("status", "completed");
    assertThat(page.locator("kiln-history a[data-workflow=\"" + id + "\"] kiln-verdict-badge"))
        .hasAttribute("verdict", "FAIL");
    assertThat(page).hasTitle(Pattern.compile("#" + id + " FAIL"));
    Browsers.screenshot(page, "04-result", true);
    Browsers.screenshot(page, "04a-result-top", false);

    // A task's logs open from its node.
    node(page, "detect_outliers").click();
    assertThat(page.locator("kiln-task-logs dialog")).isVisible();
    assertThat(page.locator("kiln-task-logs dialog")).containsText("detect_outliers");
    Browsers.screenshot(page, "05-task-logs", false);
    page.keyboard().press("Escape");
    assertThat(page.locator("kiln-task-logs dialog")).isHidden();

    // The trends table sorts when its header is pressed.
    Locator trends = page.locator("kiln-result kiln-data-table").nth(1);
    trends.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(Pattern.compile("^Slope"))).click();
    assertThat(trends.locator("th[aria-sort=descending]")).containsText("Slope");
    assertThat(trends.locator("tbody tr").first()).containsText("temp_2");

    // Phone width: everything stacks and stays usable.
    page.setViewportSize(360, 780);
    page.evaluate("() => window.scrollTo(0, 0)");
    assertThat(node(page, "verdict")).isVisible();
    assertThat(page.evaluate("() => document.documentElement.scrollWidth")).as("no sideways scrolling at 360 px")
        .isEqualTo(360);
    Browsers.screenshot(page, "06-result-360px", false);
    Browsers.screenshot(page, "06a-result-360px-full", true);

    // Reloading keeps the workflow open (the URL names it) and, in this tab, its charts.
    page.setViewportSize(1366, 900);
    page.reload();
    assertThat(page.locator("kiln-result kiln-verdict-badge[size=large]")).hasAttribute("verdict", "FAIL");
    assertThat(page.locator("kiln-result article.chart")).hasCount(11);

    // Opened elsewhere from the shared URL: the same verdict and tables, and the same full charts, drawn from the
    // input read back from the API (GET /workflows/{id}/input). Sketches without the input: kiln-result.test.ts.
    BrowserContext other = browser.newContext(new Browser.NewContextOptions().setViewportSize(1366, 900));
    try {
      Page shared = other.newPage();
      shared.navigate(server.uri("/#/workflows/" + id).toString());
      assertThat(shared.locator("kiln-result kiln-verdict-badge[size=large]")).hasAttribute("verdict", "FAIL");
      for (String task : TASKS) {
        assertThat(node(shared, task)).hasAttribute("data-status", "completed");
      }
      assertThat(shared.locator("kiln-result article.chart:not(.sketch)")).hasCount(11);
      assertThat(shared.locator("kiln-result article.chart[data-series=\"pressure_1\"] path.outlier")).hasCount(2);
      assertThat(shared.locator("kiln-result .notice")).hasCount(0);
      assertThat(shared.locator("kiln-result kiln-data-table")).hasCount(2);
      Browsers.screenshot(shared, "07-opened-from-url", true);
    } finally {
      other.close();
    }
  }

  @Test
  void an_invalid_value_is_refused_and_the_field_is_named_next_to_the_input() {
    page.navigate(server.uri("/#/").toString());
    page.locator("kiln-submit textarea").fill("""
        {"sensor_readings": [
          {"sensor_id": "temp_1", "values": [72.1, 73.4, 71.8]},
          {"sensor_id": "temp_2", "values": [70.2, "abc", 70.9]}
        ],
        "measurements": [], "metadata": {}}
        """);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Run analysis")).click();
    Locator error = page.locator("kiln-submit #readings-error");
    assertThat(error).isVisible();
    assertThat(error).hasAttribute("role", "alert");
    assertThat(page.locator("kiln-submit code.field")).hasText("sensor_readings[1].values[1]");
    assertThat(error).containsText("must be a finite number");
    assertThat(page.locator("kiln-submit textarea")).hasAttribute("aria-invalid", "true");
    Object selected = page.evaluate("() => { const ta = document.querySelector('kiln-app').shadowRoot"
        + ".querySelector('kiln-submit').shadowRoot.querySelector('textarea');"
        + " return ta.value.slice(ta.selectionStart, ta.selectionEnd); }");
    assertThat(selected).as("the offending value is selected in the input").isEqualTo("\"abc\"");
    assertThat(page.url()).endsWith("#/");
    Browsers.screenshot(page, "08-invalid-input", false);

    page.setViewportSize(360, 780);
    Browsers.screenshot(page, "09-invalid-input-360px", true);
  }
}
