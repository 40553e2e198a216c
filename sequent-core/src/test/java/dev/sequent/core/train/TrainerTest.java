package dev.sequent.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.core.data.Seq2SeqSamples;
import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.data.Split;
import dev.sequent.core.data.Vocabulary;
import dev.sequent.core.model.LruRec;
import dev.sequent.core.model.SequenceModel;
import dev.sequent.tensor.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

  /** 12 users with random histories of 6..14 items over 20 items. */
  static SequenceDataset tinyDataset() {
    Rng rng = new Rng(5);
    int users = 12;
    int[] offsets = new int[users + 1];
    int[][] seqs = new int[users][];
    for (int u = 0; u < users; u++) {
      seqs[u] = new int[6 + rng.nextInt(9)];
      for (int i = 0; i < seqs[u].length; i++) {
        seqs[u][i] = 1 + rng.nextInt(20);
      }
      offsets[u + 1] = offsets[u] + seqs[u].length;
    }
    int[] flat = new int[offsets[users]];
    for (int u = 0; u < users; u++) {
      System.arraycopy(seqs[u], 0, flat, offsets[u], seqs[u].length);
    }
    String[] userIds = new String[users];
    for (int u = 0; u < users; u++) {
      userIds[u] = "u" + u;
    }
    String[] itemIds = new String[20];
    for (int i = 0; i < 20; i++) {
      itemIds[i] = "i" + (i + 1);
    }
    return new SequenceDataset(Vocabulary.ofUsers(userIds), Vocabulary.ofItems(itemIds), offsets, flat, null);
  }

  private static LruRec model() {
    LruRec.Config d = LruRec.Config.defaults(20);
    return new LruRec(new LruRec.Config(20, 8, 1, 0.2f, 0.2f, d.rMin(), d.rMax(), d.maxPhase(), 1e-5f, 3));
  }

  private static TrainConfig config(long maxSteps) {
    return TrainConfig.lruRecDefaults().with(Map.of("max_steps", Long.toString(maxSteps), "train_batch_size", "4",
        "eval_every_steps", "3", "stopping_step", "0", "epochs", "50"));
  }

  /** A validation metric that depends on every weight, so any divergence shows. */
  private static Map<String, Double> fakeMetrics(SequenceModel m) {
    double s = 0;
    for (var p : m.namedParameters().values()) {
      for (int i = 0; i < p.size(); i++) {
        s += p.get(i) * (i % 7);
      }
    }
    return Map.of("Recall@10", s);
  }

  private static Trainer trainer(SequenceModel m, TrainConfig c, Path dir) {
    SequenceDataset data = tinyDataset();
    Split split = Split.leaveOneOut(data);
    return new Trainer(m, c, Seq2SeqSamples.of(split, 6, m.padding()), data, null, TrainerTest::fakeMetrics, dir,
        Map.of("test", "yes"), Map.of(), TrainProgress.quiet());
  }

  @Test
  void resumedRunEndsExactlyLikeAnUninterruptedOne(@TempDir Path tmp) throws IOException {
    LruRec straight = model();
    Trainer.Result a = trainer(straight, config(14), tmp.resolve("a")).fit(false);

    LruRec first = model();
    trainer(first, config(7), tmp.resolve("b")).fit(false);
    LruRec resumed = model();
    Trainer.Result b = trainer(resumed, config(14), tmp.resolve("b")).fit(true);

    assertEquals(a.steps(), b.steps());
    assertEquals(a.bestValue(), b.bestValue());
    assertEquals(a.bestStep(), b.bestStep());
    for (String name : straight.namedParameters().keySet()) {
      assertArrayEquals(straight.namedParameters().get(name).toArray(), resumed.namedParameters().get(name).toArray(),
          name);
    }
    assertEquals(Files.readAllLines(tmp.resolve("a/metrics.jsonl")).stream().filter(l -> l.contains("valid"))
            .map(TrainerTest::withoutTime).toList(),
        Files.readAllLines(tmp.resolve("b/metrics.jsonl")).stream().filter(l -> l.contains("valid"))
            .map(TrainerTest::withoutTime).toList());
  }

  private static String withoutTime(String line) {
    return line.replaceAll("\"elapsed_s\":[0-9.]+,", "");
  }

  @Test
  void aTimeBudgetEndsTheRunAtTheNextValidation(@TempDir Path tmp) throws IOException {
    // A budget of ~4 µs is spent before the first step; the run still trains up to its first validation.
    TrainConfig c = config(14).with(Map.of("max_hours", "1e-9", "eval_at_start", "false"));
    Trainer.Result r = trainer(model(), c, tmp).fit(false);
    assertEquals(3, r.steps());
    assertEquals(Trainer.StopReason.TIME_BUDGET, r.stopReason());
    assertEquals(3, r.bestStep());
    assertEquals(Trainer.StopReason.MAX_STEPS, trainer(model(), config(5), tmp.resolve("b")).fit(false).stopReason());
  }

  @Test
  void aResumedRunThatHadStoppedEarlyStaysStopped(@TempDir Path tmp) throws IOException {
    // A constant metric: the validation at step 0 is the best, those at 3 and 6 are not; patience 2.
    TrainConfig c = config(30).with(Map.of("stopping_step", "2"));
    Trainer.Result first = constantMetricTrainer(c, tmp).fit(false);
    assertEquals(6, first.steps());
    assertEquals(Trainer.StopReason.EARLY_STOPPING, first.stopReason());
    assertEquals(0, first.bestStep());
    Trainer.Result resumed = constantMetricTrainer(c, tmp).fit(true);
    assertEquals(6, resumed.steps(), "no further training");
    assertEquals(Trainer.StopReason.EARLY_STOPPING, resumed.stopReason());
  }

  private static Trainer constantMetricTrainer(TrainConfig c, Path dir) {
    SequenceDataset data = tinyDataset();
    LruRec m = model();
    return new Trainer(m, c, Seq2SeqSamples.of(Split.leaveOneOut(data), 6, m.padding()), data, null,
        model -> Map.of("Recall@10", 0.5), dir, Map.of(), Map.of(), TrainProgress.quiet());
  }

  @Test
  void checkpointRoundTrip(@TempDir Path tmp) throws IOException {
    Map<String, float[]> params = Map.of("w", new float[] {1.5f, -2f}, "b", new float[0]);
    Checkpoint c = new Checkpoint(Map.of("model", "lrurec", "config", "x".repeat(70_000)), params,
        Map.of("vocabulary", new byte[] {1, 2, 3}));
    Path file = tmp.resolve("c.ckpt");
    c.write(file);
    Checkpoint back = Checkpoint.read(file);
    assertEquals(c.metadata(), back.metadata());
    assertArrayEquals(new float[] {1.5f, -2f}, back.parameters().get("w"));
    assertArrayEquals(new byte[] {1, 2, 3}, back.section("vocabulary"));
    try (var files = Files.list(tmp)) {
      assertEquals(List.of(file), files.toList(), "no temporary files left behind");
    }
    Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 40));
    IOException e = assertThrows(IOException.class, () -> Checkpoint.read(file));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void bestWeightsAreReloadedAtTheEnd(@TempDir Path tmp) throws IOException {
    LruRec m = model();
    Trainer t = trainer(m, config(9), tmp);
    Trainer.Result r = t.fit(false);
    assertTrue(Files.exists(t.bestCheckpoint()));
    assertEquals(r.bestValue(), fakeMetrics(m).get("Recall@10"), 1e-9);
  }

  @Test
  void unknownOptionsListTheValidOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainConfig.lruRecDefaults().with(Map.of("learnin_rate", "1")));
    assertTrue(e.getMessage().contains("learning_rate"), e.getMessage());
  }
}
