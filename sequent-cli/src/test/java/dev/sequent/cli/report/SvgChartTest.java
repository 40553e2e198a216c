package dev.sequent.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SvgChartTest {

  @Test
  void ticksAreRoundNumbersCoveringTheRange() {
    assertArrayEquals(new double[] {0, 0.02, 0.04, 0.06, 0.08}, SvgChart.ticks(0.001, 0.07, 5), 1e-12);
    assertArrayEquals(new double[] {0, 50, 100, 150, 200}, SvgChart.ticks(0, 200, 6), 1e-12);
    double[] flat = SvgChart.ticks(3, 3, 5);
    assertTrue(flat[0] < 3 && flat[flat.length - 1] > 3, "a constant series still gets a range");
  }

  @Test
  void tickLabelsTellNeighbouringTicksApart() {
    double[] throughput = SvgChart.ticks(17_050, 17_900, 5);
    assertArrayEquals(new double[] {17_000, 17_200, 17_400, 17_600, 17_800, 18_000}, throughput, 1e-9);
    assertEquals("17.2k", SvgChart.label(17_200, throughput));
    assertEquals("18.0k", SvgChart.label(18_000, throughput));
    assertEquals("20k", SvgChart.label(20_000, new double[] {10_000, 20_000}));
    assertEquals("0.04", SvgChart.label(0.04, new double[] {0, 0.02}));
    assertEquals("0.1", SvgChart.label(0.1, new double[] {0, 0.1}));
    assertEquals("150", SvgChart.label(150, new double[] {0, 50}));
    assertEquals("0", SvgChart.label(1e-17, new double[] {0, 50}));
  }

  @Test
  void chartsEscapeTextAndSayWhenEmpty() {
    String empty = SvgChart.render("Loss <1>", "step", "loss", List.of());
    assertTrue(empty.contains("no data yet") && empty.contains("Loss &lt;1&gt;"), empty);
    String one = SvgChart.render("x", "step", "y",
        List.of(new SvgChart.Series("a&b", new double[] {5}, new double[] {0.5})));
    assertTrue(one.contains("data-series=\"a&amp;b\"") && one.contains("<circle"), one);
  }
}
