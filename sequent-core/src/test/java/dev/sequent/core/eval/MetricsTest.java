package dev.sequent.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsTest {
  private static final double EPS = 1e-12;
  @TempDir Path temp;

  private static Metrics full(int... ranks) {
    return Metrics.fromRanks(ranks, List.of(10, 1), Protocol.full(), "test", 2);
  }

  @Test
  void handComputedValues() {
    Metrics metrics = full(1, 2, 3, 11);
    // HR@10: ranks 1, 2, 3 hit; 11 misses
    assertEquals(0.75, metrics.get("HR@10"), EPS);
    // NDCG@10: (1 + 1/log2(3) + 1/log2(4) + 0) / 4
    assertEquals((1 + 1 / (Math.log(3) / Math.log(2)) + 0.5) / 4, metrics.get("NDCG@10"), EPS);
    assertEquals(0.5327324385, metrics.get("NDCG@10"), 1e-9);
    // MRR@10: (1 + 1/2 + 1/3) / 4
    assertEquals(0.4583333333, metrics.get("MRR@10"), 1e-9);
    assertEquals(0.25, metrics.get("HR@1"), EPS);
    assertEquals(0.25, metrics.get("NDCG@1"), EPS);
    assertEquals(0.25, metrics.get("MRR@1"), EPS);
    assertEquals(4, metrics.evaluatedUsers());
    assertEquals(2, metrics.skippedUsers());
    assertEquals(List.of(1, 10), metrics.ks());
  }

  @Test
  void namesAreCaseInsensitiveAndRecallIsHr() {
    Metrics metrics = full(1, 20);
    assertEquals(0.5, metrics.get("recall@10"), EPS);
    assertEquals(0.5, metrics.get("Recall@10"), EPS);
    assertEquals(0.5, metrics.get("ndcg@10"), EPS);
    assertTrue(metrics.has("MRR@1"));
    assertFalse(metrics.has("MRR@5"));
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> metrics.get("NDCG@5"));
    assertTrue(error.getMessage().contains("NDCG@10"), error.getMessage());
  }

  @Test
  void sampledMetricsCarryTheProtocolWhereverPrinted() {
    Metrics metrics =
        Metrics.fromRanks(new int[] {1, 4}, List.of(5), Protocol.sampledPopularity(100, 7), "test", 0);
    assertEquals("HR@5 (sampled-pop100)", metrics.label("HR@5"));
    assertEquals(1.0, metrics.get("HR@5 (sampled-pop100)"), EPS);
    assertEquals(1.0, metrics.get("HR@5"), EPS);
    assertThrows(IllegalArgumentException.class, () -> metrics.get("HR@5 (sampled-uniform100)"));
    String text = metrics.toString();
    assertTrue(text.contains("HR@5 (sampled-pop100) = 1.0000"), text);
    assertTrue(text.contains("sampled-pop100 (seed 7)"), text);
    assertFalse(text.contains("\n  HR@5 ="), "no unlabelled sampled metric: " + text);
    assertTrue(metrics.toJson().contains("\"HR@5 (sampled-pop100)\": 1.0"), metrics.toJson());
  }

  @Test
  void jsonIsExact() {
    Metrics metrics = Metrics.fromRanks(new int[] {1, 3}, List.of(2), Protocol.full(ExclusionMode.HISTORY), "validation", 1);
    assertEquals(
        "{\"stage\": \"validation\", \"protocol\": \"full-exclude-history\", \"sampled\": false,"
            + " \"users_evaluated\": 2, \"users_skipped\": 1, \"metrics\": {\"HR@2\": 0.5,"
            + " \"NDCG@2\": 0.5, \"MRR@2\": 0.5}}",
        metrics.toJson());
  }

  @Test
  void writeJsonIsAtomicAndComplete() throws IOException {
    Path file = temp.resolve("out").resolve("metrics.json");
    Metrics metrics = full(1, 2);
    metrics.writeJson(file);
    assertEquals(metrics.toJson() + "\n", Files.readString(file));
    try (var files = Files.list(file.getParent())) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void comparisonNeedsTheSameProtocol() {
    Metrics better = full(1, 1);
    Metrics worse = full(2, 30);
    assertTrue(better.isBetterThan(worse, "NDCG@10"));
    assertFalse(worse.isBetterThan(better, "NDCG@10"));
    assertEquals(0.5, better.difference(worse, "HR@10"), EPS); // 1.0 - 0.5
    Metrics sampled =
        Metrics.fromRanks(new int[] {1, 1}, List.of(1, 10), Protocol.sampledUniform(100, 1), "test", 2);
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> sampled.isBetterThan(worse, "HR@10"));
    assertTrue(error.getMessage().contains("different protocols"), error.getMessage());
    assertEquals(full(1, 2), full(1, 2));
    assertNotEquals(full(1, 2), full(1, 3));
  }

  @Test
  void ranksMustBePositiveAndPresent() {
    assertThrows(IllegalArgumentException.class, () -> full());
    assertThrows(IllegalArgumentException.class, () -> full(0));
  }

  @Test
  void protocolNamesRoundTrip() {
    for (Protocol protocol :
        List.of(
            Protocol.full(),
            Protocol.full(ExclusionMode.INPUT_WINDOW),
            Protocol.full(ExclusionMode.HISTORY),
            Protocol.sampledUniform(100, 5),
            Protocol.sampledPopularity(100, 5),
            Protocol.sampledUniform(50, 5).avoidingHistoryInNegatives())) {
      assertEquals(protocol, Protocol.parse(protocol.name(), 5));
    }
    assertEquals("sampled-uniform50-unseen", Protocol.sampledUniform(50, 5).avoidingHistoryInNegatives().name());
    assertEquals("full-exclude-input-window", Protocol.full(ExclusionMode.INPUT_WINDOW).name());
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> Protocol.parse("sampled-popular", 1));
    assertTrue(error.getMessage().contains("valid:"), error.getMessage());
  }
}
