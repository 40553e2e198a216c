package dev.sequent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a run's report.html in headless Chromium: the DOM must hold the SVG charts with their data, and a
 * screenshot must not be blank. Skipped, with a message, where Chromium is not installed ({@code .ci/run}
 * installs Debian's {@code chromium}).
 */
class ReportBrowserTest {

  private static Path chromium() {
    Path fixed = Path.of("/usr/bin/chromium");
    if (Files.isExecutable(fixed)) {
      return fixed;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }

  /** Runs Chromium headless on the report with one extra flag; returns its standard output. */
  private static String chromium(Path browser, Path profile, Path report, String flag) throws Exception {
    List<String> command = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--user-data-dir=" + profile, "--window-size=1200,1600", flag,
        report.toUri().toString()));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within 120 s");
    }
    assertEquals(0, p.exitValue(), "chromium exit code");
    return new String(out, StandardCharsets.UTF_8);
  }

  @Test
  void chartsRenderInARealBrowser(@TempDir Path tmp) throws Exception {
    Path browser = chromium();
    Assumptions.assumeTrue(browser != null,
        "Chromium is not installed (apt-get install chromium; .ci/run does it): browser test skipped");
    Path report = TinyData.trainedRun().resolve("report.html");
    assertEquals(0, Cli.run("report", report.getParent().toString()).code());

    String dom = chromium(browser, tmp.resolve("profile"), report, "--dump-dom");
    int charts = count(dom, "<svg class=\"chart\"");
    assertTrue(charts >= 5, "loss, throughput and three validation charts; found " + charts);
    Matcher series = Pattern.compile("<polyline class=\"series\"[^>]*points=\"([^\"]*)\"").matcher(dom);
    int lines = 0;
    while (series.find()) {
      lines++;
      assertTrue(series.group(1).trim().split("\\s+").length >= 2,
          "every series has at least two points: " + series.group(1));
    }
    assertTrue(lines >= 1 + 1 + 3 * 3, "loss, throughput and 3 lines per validation chart; found " + lines);
    assertTrue(dom.contains("Test metrics") && dom.contains("popularity"), "metrics table");

    Path png = tmp.resolve("report.png");
    chromium(browser, tmp.resolve("profile"), report, "--screenshot=" + png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertTrue(image != null && image.getWidth() >= 1000, "a screenshot was written");
    assertTrue(colourVariance(image) > 100, "the screenshot is not blank");
    assertTrue(distinctColours(image) > 20, "the screenshot has the colours of charts and text");
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  /** Variance of the grey level over all pixels: near 0 for a blank page. */
  private static double colourVariance(BufferedImage image) {
    double sum = 0;
    double squares = 0;
    long n = (long) image.getWidth() * image.getHeight();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        double grey = (((rgb >> 16) & 255) + ((rgb >> 8) & 255) + (rgb & 255)) / 3.0;
        sum += grey;
        squares += grey * grey;
      }
    }
    double mean = sum / n;
    return squares / n - mean * mean;
  }

  private static int distinctColours(BufferedImage image) {
    java.util.Set<Integer> colours = new java.util.HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        colours.add(image.getRGB(x, y) & 0xFFFFFF);
      }
    }
    return colours.size();
  }
}
