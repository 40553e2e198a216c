package dev.sequent.cli.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as inline SVG: axes with round-numbered ticks, one polyline per series, a point marker with a
 * tooltip ({@code <title>}) per value, and a legend. No script, no fonts or files from elsewhere, so the
 * report renders the same offline in any browser.
 */
final class SvgChart {

  /** One line: x and y values of equal length, in x order. */
  record Series(String name, double[] x, double[] y) {}

  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
      "#e377c2", "#17becf"};
  private static final int WIDTH = 560;
  private static final int HEIGHT = 300;
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 34;
  private static final int BOTTOM = 44;

  private SvgChart() {}

  static String render(String title, String xLabel, String yLabel, List<Series> series) {
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
        + "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">%n", WIDTH, HEIGHT, WIDTH,
        HEIGHT, Html.escape(title)));
    svg.append(String.format(Locale.ROOT, "<text class=\"title\" x=\"%d\" y=\"20\">%s</text>%n", LEFT,
        Html.escape(title)));
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    int points = 0;
    for (Series s : series) {
      for (int i = 0; i < s.x().length; i++) {
        if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
          xMin = Math.min(xMin, s.x()[i]);
          xMax = Math.max(xMax, s.x()[i]);
          yMin = Math.min(yMin, s.y()[i]);
          yMax = Math.max(yMax, s.y()[i]);
          points++;
        }
      }
    }
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    svg.append(String.format(Locale.ROOT, "<rect class=\"plot\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>%n",
        LEFT, TOP, plotW, plotH));
    if (points == 0) {
      svg.append(String.format(Locale.ROOT, "<text class=\"empty\" x=\"%d\" y=\"%d\">no data yet</text>%n",
          LEFT + plotW / 2 - 30, TOP + plotH / 2));
      return svg.append("</svg>\n").toString();
    }
    // A single x or y value still needs a non-empty range to draw.
    if (xMax == xMin) {
      xMin -= 1;
      xMax += 1;
    }
    double[] yTicks = ticks(yMin, yMax, 5);
    double[] xTicks = ticks(xMin, xMax, 6);
    double y0 = Math.min(yMin, yTicks[0]);
    double y1 = Math.max(yMax, yTicks[yTicks.length - 1]);
    if (y1 == y0) {
      y0 -= 0.5;
      y1 += 0.5;
    }
    final double fx0 = xMin;
    final double fx1 = xMax;
    final double fy0 = y0;
    final double fy1 = y1;
    java.util.function.DoubleUnaryOperator sx = x -> LEFT + (x - fx0) / (fx1 - fx0) * plotW;
    java.util.function.DoubleUnaryOperator sy = y -> TOP + plotH - (y - fy0) / (fy1 - fy0) * plotH;

    svg.append("<g class=\"grid\">\n");
    for (double t : yTicks) {
      if (t < y0 || t > y1) {
        continue;
      }
      double py = sy.applyAsDouble(t);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
          + "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, py, LEFT + plotW, py,
          LEFT - 6, py + 4, label(t, yTicks)));
    }
    for (double t : xTicks) {
      if (t < xMin || t > xMax) {
        continue;
      }
      double px = sx.applyAsDouble(t);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
          + "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", px, TOP, px, TOP + plotH,
          px, TOP + plotH + 16, label(t, xTicks)));
    }
    svg.append("</g>\n");
    svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
        LEFT + plotW / 2, HEIGHT - 8, Html.escape(xLabel)));
    svg.append(String.format(Locale.ROOT, "<text class=\"axis\" transform=\"translate(14 %d) rotate(-90)\" "
        + "text-anchor=\"middle\">%s</text>%n", TOP + plotH / 2, Html.escape(yLabel)));

    int legendX = WIDTH - RIGHT;
    for (int s = series.size() - 1; s >= 0; s--) {
      Series line = series.get(s);
      String color = COLORS[s % COLORS.length];
      legendX -= 14 + 7 * line.name().length() + 12;
      svg.append(String.format(Locale.ROOT, "<g class=\"legend\"><line x1=\"%d\" y1=\"16\" x2=\"%d\" y2=\"16\" "
          + "stroke=\"%s\" stroke-width=\"3\"/><text x=\"%d\" y=\"20\">%s</text></g>%n", legendX, legendX + 12,
          color, legendX + 16, Html.escape(line.name())));
    }
    for (int s = 0; s < series.size(); s++) {
      Series line = series.get(s);
      String color = COLORS[s % COLORS.length];
      StringBuilder coords = new StringBuilder();
      List<String> markers = new ArrayList<>();
      for (int i = 0; i < line.x().length; i++) {
        if (!Double.isFinite(line.x()[i]) || !Double.isFinite(line.y()[i])) {
          continue;
        }
        double px = sx.applyAsDouble(line.x()[i]);
        double py = sy.applyAsDouble(line.y()[i]);
        coords.append(coords.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f", px, py));
        markers.add(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"><title>%s: "
            + "%s %s, %s</title></circle>", px, py, color, Html.escape(line.name()), Html.escape(xLabel),
            plain(line.x()[i]), plain(line.y()[i])));
      }
      svg.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-series=\"%s\" fill=\"none\" "
          + "stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n", Html.escape(line.name()), color, coords));
      // Markers only while they stay readable; long loss curves are clearer as a bare line.
      if (markers.size() <= 80) {
        svg.append("<g class=\"points\">").append(String.join("", markers)).append("</g>\n");
      }
    }
    return svg.append("</svg>\n").toString();
  }

  /** About {@code count} round tick values (1, 2 or 5 times a power of ten apart) covering [lo, hi]. */
  static double[] ticks(double lo, double hi, int count) {
    double span = hi - lo;
    if (span <= 0) {
      span = Math.abs(hi) > 0 ? Math.abs(hi) : 1;
      lo -= span / 2;
      hi += span / 2;
      span = hi - lo;
    }
    double raw = span / count;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = magnitude;
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * magnitude >= raw) {
        step = m * magnitude;
        break;
      }
    }
    double first = Math.floor(lo / step) * step;
    double last = Math.ceil(hi / step) * step;
    int n = (int) Math.round((last - first) / step) + 1;
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = first + i * step;
    }
    return out;
  }

  /**
   * A tick label with as many decimals as the tick spacing needs; from 10,000 up in thousands ("17.2k"), still
   * with enough decimals to tell neighbouring ticks apart.
   */
  static String label(double value, double[] ticks) {
    double step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
    if (Math.abs(value) < step / 2) {
      value = 0;
    }
    if (Math.abs(value) >= 10_000) {
      return String.format(Locale.ROOT, "%." + decimals(step / 1000) + "fk", value / 1000);
    }
    return String.format(Locale.ROOT, "%." + decimals(step) + "f", value);
  }

  private static int decimals(double step) {
    return Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
  }

  private static String plain(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e12 ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.5g", v);
  }
}
