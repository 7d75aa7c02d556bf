package dev.kiln.api.ui;

import static org.junit.jupiter.api.Assertions.fail;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium for the web UI's end-to-end tests: the system's Chromium (Debian package
 * {@code chromium}, or {@code KILN_CHROMIUM}) driven by Playwright for Java, which is told never
 * to download a browser of its own. Without a Chromium the tests are skipped with a message,
 * except when {@code CI=true}: there they fail.
 */
final class Browsers {
  static final List<String> CHROMIUM_ARGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
      "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");

  /** Where screenshots go (test artifacts): api/target/ui-screenshots. */
  static final Path SCREENSHOTS = Paths.get("target", "ui-screenshots").toAbsolutePath();

  private Browsers() {}

  static Optional<Path> findChromium() {
    // An explicit KILN_CHROMIUM wins; when it names nothing, there is no browser (no silent fallback).
    String explicit = System.getenv("KILN_CHROMIUM");
    Stream<String> candidates = explicit != null && !explicit.isBlank() ? Stream.of(explicit)
        : Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
    return candidates
        .map(Paths::get)
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** The Chromium to use; skips the calling test when there is none (fails it when CI=true). */
  static Path requireChromium() {
    Optional<Path> chromium = findChromium();
    if (chromium.isEmpty()) {
      String why = "no Chromium found for the web UI browser tests (install Debian's package: "
          + "apt-get install chromium, or set KILN_CHROMIUM to a Chromium binary)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why + "; CI=true, so they may not be skipped");
      }
      Assumptions.abort("SKIPPED: " + why);
    }
    return chromium.get();
  }

  static Playwright playwright() {
    // The driver ships inside the Maven jar; only browser downloads would need the internet.
    return Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
  }

  static Browser launch(Playwright playwright, Path chromium) {
    return playwright.chromium().launch(new BrowserType.LaunchOptions()
        .setExecutablePath(chromium)
        .setHeadless(true)
        .setArgs(CHROMIUM_ARGS));
  }

  static Path screenshot(Page page, String name, boolean fullPage) {
    try {
      Files.createDirectories(SCREENSHOTS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path file = SCREENSHOTS.resolve(name + ".png");
    page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(fullPage));
    return file;
  }
}
