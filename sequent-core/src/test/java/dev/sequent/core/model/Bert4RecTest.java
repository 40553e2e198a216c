package dev.sequent.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.core.data.ClozeBatch;
import dev.sequent.core.data.ClozeMasking;
import dev.sequent.core.data.Padding;
import dev.sequent.core.data.PrefixSamples;
import dev.sequent.core.data.Seq2SeqBatch;
import dev.sequent.core.data.Seq2SeqSamples;
import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.data.Split;
import dev.sequent.core.data.Vocabulary;
import dev.sequent.core.infer.ModelScorer;
import dev.sequent.core.train.StepRunner;
import dev.sequent.core.train.TrainConfig;
import dev.sequent.core.train.TrainProgress;
import dev.sequent.core.train.Trainer;
import dev.sequent.tensor.Grad;
import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.Rng;
import dev.sequent.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Bert4RecTest {

  static Bert4Rec model(int numItems, int length, float dropout, float maskRatio, float lastItemRatio) {
    return new Bert4Rec(new Bert4Rec.Config(numItems, length, 16, 2, 2, dropout, dropout, maskRatio, lastItemRatio,
        ClozeMasking.LastItem.WINDOWS, ClozeMasking.Replacement.MASK, 0, true, Bert4Rec.EmbeddingInit.TRUNCATED_NORMAL,
        Bert4Rec.Positions.WINDOW, 1e-12f, 5));
  }

  /** Every option on its other choice: the LRURec first author's BERT4Rec. */
  static Bert4Rec otherChoices(int numItems, int length, float dropout, float maskRatio, float lastItemRatio) {
    return new Bert4Rec(new Bert4Rec.Config(numItems, length, 16, 2, 2, dropout, dropout, maskRatio, lastItemRatio,
        ClozeMasking.LastItem.BOOST, ClozeMasking.Replacement.BERT, 2, false, Bert4Rec.EmbeddingInit.STANDARD_NORMAL,
        Bert4Rec.Positions.START, 1e-12f, 5));
  }

  @Test
  void shapesAndTheMaskTokenRow() {
    Bert4Rec m = model(100, 12, 0.2f, 0.2f, 0.1f);
    Tensor h = m.encode(ModelTestSupport.randomWindows(new Rng(1), 4, 12, 100, true));
    assertArrayEquals(new int[] {4, 12, 16}, h.shape());
    // The [mask] token is an input only: the scored table has rows 0..numItems, the input table one more.
    assertEquals(101, m.maskToken());
    assertEquals(101, m.clozeMasking().maskToken());
    assertArrayEquals(new int[] {101, 16}, m.itemEmbeddings().shape());
    assertArrayEquals(new int[] {102, 16}, m.namedParameters().get("item_embedding").shape());
    assertArrayEquals(new int[] {101}, m.itemBias().shape());
    // Windows with [mask] encode; longer windows than the positions are an error.
    m.encode(new IntTensor(new int[] {0, 0, 3, 101}, 1, 4));
    assertThrows(IllegalArgumentException.class, () -> m.encode(new IntTensor(new int[13], 1, 13)));
  }

  @Test
  void attentionIsBidirectional() {
    Bert4Rec m = model(30, 6, 0f, 0.2f, 0f);
    m.train(false);
    try (Grad g = Grad.disabled()) {
      float[] a = m.encode(new IntTensor(new int[] {0, 1, 2, 3, 4, 5}, 1, 6)).toArray();
      float[] b = m.encode(new IntTensor(new int[] {0, 1, 2, 3, 9, 8}, 1, 6)).toArray();
      // Unlike SASRec, position 1 sees the later items.
      float diff = 0;
      for (int i = 16; i < 2 * 16; i++) {
        diff = Math.max(diff, Math.abs(a[i] - b[i]));
      }
      assertTrue(diff > 1e-4, "earlier positions must depend on later items");
    }
  }

  @Test
  void paddingNeverLeaksIntoRealItems() {
    for (Bert4Rec m : new Bert4Rec[] {model(20, 8, 0f, 0.2f, 0f), otherChoices(20, 8, 0f, 0.2f, 0f)}) {
      m.train(false);
      try (Grad g = Grad.disabled()) {
        float[] padded = m.encode(new IntTensor(new int[] {0, 0, 0, 0, 0, 5, 6, 21}, 1, 8)).toArray();
        float[] bare = m.encode(new IntTensor(new int[] {5, 6, 21}, 1, 3)).toArray();
        float[] real = Arrays.copyOfRange(padded, 5 * 16, 8 * 16);
        for (int i = 0; i < real.length; i++) {
          assertEquals(bare[i], real[i], 1e-5, m.config().positions() + ", unit " + i);
        }
      }
    }
  }

  @Test
  void positionsCountFromTheWindowEndOrFromTheFirstItem() {
    // A window holding one item: by column it takes the last position row (L − 1), from the start row 0.
    IntTensor single = new IntTensor(new int[] {0, 0, 0, 7}, 1, 4);
    for (Bert4Rec m : new Bert4Rec[] {model(20, 4, 0f, 0.2f, 0f), otherChoices(20, 4, 0f, 0.2f, 0f)}) {
      m.train(false);
      boolean fromStart = m.config().positions() == Bert4Rec.Positions.START;
      Tensor rows = m.namedParameters().get("position_embedding");
      try (Grad g = Grad.disabled()) {
        float[] before = lastSlot(m.encode(single));
        rows.data()[3 * 16] += 1f;
        float[] afterLastRow = lastSlot(m.encode(single));
        rows.data()[0] += 1f;
        float[] afterFirstRow = lastSlot(m.encode(single));
        assertEquals(!fromStart, !Arrays.equals(before, afterLastRow), "row L - 1 used, " + m.config().positions());
        assertEquals(fromStart, !Arrays.equals(afterLastRow, afterFirstRow), "row 0 used, " + m.config().positions());
      }
    }
  }

  /** The state of the last of four slots (padding slots before it change with row 0 under either rule). */
  private static float[] lastSlot(Tensor h) {
    return Arrays.copyOfRange(h.toArray(), 3 * 16, 4 * 16);
  }

  @Test
  void embeddingsStartAtTheChosenScale() {
    float[] bert = model(400, 8, 0f, 0.2f, 0f).namedParameters().get("item_embedding").toArray();
    float[] standard = otherChoices(400, 8, 0f, 0.2f, 0f).namedParameters().get("item_embedding").toArray();
    assertEquals(0.02, std(bert), 0.003, "truncated normal(0, 0.02) has std 0.0176");
    for (float x : bert) {
      assertTrue(Math.abs(x) <= 0.04f, "truncated at 2 std: " + x);
    }
    assertEquals(1.0, std(standard), 0.03, "N(0, 1)");
  }

  private static double std(float[] xs) {
    double sum = 0;
    double squares = 0;
    for (float x : xs) {
      sum += x;
      squares += (double) x * x;
    }
    double mean = sum / xs.length;
    return Math.sqrt(squares / xs.length - mean * mean);
  }

  // ---------------------------------------------------------------- Cloze masking rules

  /** Windows of {@code length} with random left padding and at least {@code minReal} real items. */
  private static int[] windows(Rng rng, int rows, int length, int minReal, int numItems) {
    int[] ids = new int[rows * length];
    for (int r = 0; r < rows; r++) {
      int real = minReal + rng.nextInt(length - minReal + 1);
      for (int j = length - real; j < length; j++) {
        ids[r * length + j] = 1 + rng.nextInt(numItems);
      }
    }
    return ids;
  }

  @Test
  void maskingNeverTouchesPaddingAndLabelsOnlyMaskedPositions() {
    ClozeMasking rule = new ClozeMasking(101, 0.6, 0.1);
    int rows = 300;
    int length = 20;
    int[] items = windows(new Rng(7), rows, length, 1, 100);
    ClozeBatch b = rule.mask(items, rows, length, new int[rows], 99);
    for (int r = 0; r < rows; r++) {
      int masked = 0;
      for (int p = 0; p < length; p++) {
        int i = r * length + p;
        if (items[i] == 0) {
          assertEquals(0, b.inputs()[i], "padding stays padding");
          assertEquals(0, b.labels()[i], "padding has no label");
        } else if (b.inputs()[i] == 101) {
          assertEquals(items[i], b.labels()[i], "a masked position predicts its original item");
          masked++;
        } else {
          assertEquals(items[i], b.inputs()[i], "unmasked items are kept");
          assertEquals(0, b.labels()[i], "unmasked items have no label");
        }
      }
      assertTrue(masked >= 1, "row " + r + " masks at least one item");
    }
    assertEquals(b.masked(), Arrays.stream(b.labels()).filter(l -> l != 0).count());
  }

  @Test
  void theMaskRatioHoldsOnAverage() {
    for (double rho : new double[] {0.2, 0.6}) {
      ClozeMasking rule = new ClozeMasking(501, rho, 0.0);
      Rng rng = new Rng(11);
      long real = 0;
      long masked = 0;
      for (int step = 0; step < 40; step++) {
        // 20..50 real items per window, so the "at least one" fallback is negligible (< 0.8^20 / 20).
        int[] items = windows(rng, 64, 50, 20, 500);
        ClozeBatch b = rule.mask(items, 64, 50, new int[64], step);
        real += Arrays.stream(items).filter(i -> i != 0).count();
        masked += b.masked();
      }
      double share = (double) masked / real;
      // ~90k positions: the standard error is below 0.002.
      assertEquals(rho, share, 0.01, "masked share for ρ = " + rho);
    }
  }

  @Test
  void theLastItemShareHoldsOnAverage() {
    // With ρ = 1 every real item is masked, so a window with exactly one masked item is a last-item window.
    ClozeMasking rule = new ClozeMasking(501, 1.0, 0.3);
    int rows = 4000;
    int[] items = windows(new Rng(5), rows, 10, 2, 500);
    ClozeBatch b = rule.mask(items, rows, 10, new int[rows], 1);
    int lastOnly = 0;
    for (int r = 0; r < rows; r++) {
      int masked = 0;
      for (int p = 0; p < 10; p++) {
        masked += b.labels()[r * 10 + p] != 0 ? 1 : 0;
      }
      if (masked == 1) {
        assertTrue(b.labels()[r * 10 + 9] != 0, "the single masked item is the last one");
        lastOnly++;
      }
    }
    assertEquals(0.3, (double) lastOnly / rows, 0.03);
  }

  @Test
  void theBoostRaisesOnlyTheLastItemsMaskProbability() {
    // ρ = 0.5 and a boost of 0.5: the last item is masked with 0.5 + 0.5 · 0.5 = 0.75, every other item with 0.5,
    // and no window is a last-only window. Full windows of 10, so the fallback (nothing masked) is rare:
    // 0.5⁹ · 0.25.
    ClozeMasking rule =
        new ClozeMasking(501, 0.5, 0.5, ClozeMasking.LastItem.BOOST, ClozeMasking.Replacement.MASK, 0);
    int rows = 8000;
    int[] items = windows(new Rng(6), rows, 10, 10, 500);
    ClozeBatch b = rule.mask(items, rows, 10, new int[rows], 2);
    int[] maskedAt = new int[10];
    for (int r = 0; r < rows; r++) {
      for (int p = 0; p < 10; p++) {
        maskedAt[p] += b.labels()[r * 10 + p] != 0 ? 1 : 0;
      }
    }
    // 8,000 windows: standard errors ~0.005 per position.
    assertEquals(0.75, (double) maskedAt[9] / rows, 0.02, "last item");
    for (int p = 0; p < 9; p++) {
      assertEquals(0.5, (double) maskedAt[p] / rows, 0.02, "position " + p);
    }
  }

  @Test
  void theCapMasksTheFirstItemsOfAWindowAndLeavesTheRestVisible() {
    // ρ = 1 chooses every real item, so a cap of 2 masks the first two real items, left to right, and shows
    // the others, the last included; padding is never counted.
    ClozeMasking rule = new ClozeMasking(9, 1.0, 0.0, ClozeMasking.LastItem.WINDOWS, ClozeMasking.Replacement.MASK, 2);
    int[] items = {0, 0, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6};
    ClozeBatch b = rule.mask(items, 2, 6, new int[2], 7);
    assertArrayEquals(new int[] {0, 0, 9, 9, 7, 8, 9, 9, 3, 4, 5, 6}, b.inputs());
    assertArrayEquals(new int[] {0, 0, 5, 6, 0, 0, 1, 2, 0, 0, 0, 0}, b.labels());
    // Without the cap every real item is masked.
    ClozeBatch all = new ClozeMasking(9, 1.0, 0.0).mask(items, 2, 6, new int[2], 7);
    assertArrayEquals(new int[] {0, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9}, all.inputs());
  }

  @Test
  void theBertRuleShowsTheMaskRandomItemsAndKeptItemsEightyTenTen() {
    // ρ = 1 chooses every real item, so each real position is one draw of the replacement rule.
    ClozeMasking rule =
        new ClozeMasking(501, 1.0, 0.0, ClozeMasking.LastItem.WINDOWS, ClozeMasking.Replacement.BERT, 0);
    int rows = 400;
    int length = 50;
    int[] items = windows(new Rng(13), rows, length, 20, 500);
    ClozeBatch b = rule.mask(items, rows, length, new int[rows], 3);
    long real = 0;
    long masks = 0;
    long kept = 0;
    long random = 0;
    for (int i = 0; i < items.length; i++) {
      if (items[i] == 0) {
        assertEquals(0, b.inputs()[i], "padding stays padding");
        assertEquals(0, b.labels()[i], "padding has no label");
        continue;
      }
      real++;
      assertEquals(items[i], b.labels()[i], "every chosen position predicts its original item");
      int shown = b.inputs()[i];
      assertTrue(shown >= 1 && shown <= 501, "an item or the mask token: " + shown);
      if (shown == 501) {
        masks++;
      } else if (shown == items[i]) {
        kept++;
      } else {
        random++;
      }
    }
    assertEquals(real, b.masked());
    // ~14k positions: standard errors below 0.004. A random draw equal to the item (1 in 500) counts as kept.
    assertEquals(0.8, (double) masks / real, 0.015);
    assertEquals(0.1, (double) kept / real, 0.012);
    assertEquals(0.1, (double) random / real, 0.012);
    // The default rule shows only the mask token.
    ClozeBatch plain = new ClozeMasking(501, 1.0, 0.0).mask(items, rows, length, new int[rows], 3);
    for (int i = 0; i < items.length; i++) {
      assertEquals(items[i] == 0 ? 0 : 501, plain.inputs()[i]);
    }
  }

  @Test
  void theSameSeedGivesTheSameMask() {
    ClozeMasking rule = new ClozeMasking(101, 0.4, 0.1);
    int[] items = windows(new Rng(3), 32, 30, 1, 100);
    ClozeBatch a = rule.mask(items, 32, 30, new int[32], 1234);
    ClozeBatch b = rule.mask(items.clone(), 32, 30, new int[32], 1234);
    ClozeBatch c = rule.mask(items, 32, 30, new int[32], 1235);
    assertArrayEquals(a.inputs(), b.inputs());
    assertArrayEquals(a.labels(), b.labels());
    assertFalse(Arrays.equals(a.inputs(), c.inputs()), "another step masks differently");
  }

  @Test
  void invalidRatiosAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new ClozeMasking(5, 0.0, 0.1));
    assertThrows(IllegalArgumentException.class, () -> new ClozeMasking(5, 1.5, 0.1));
    assertThrows(IllegalArgumentException.class, () -> new ClozeMasking(5, 0.2, -0.1));
    assertThrows(IllegalArgumentException.class, () -> new ClozeMasking(0, 0.2, 0.1));
    assertThrows(IllegalArgumentException.class,
        () -> new ClozeMasking(1, 0.2, 0.1, ClozeMasking.LastItem.WINDOWS, ClozeMasking.Replacement.BERT, 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Models.create("bert4rec", Map.of("mask_replacement", "random"), 30, 10));
    assertTrue(e.getMessage().contains("'mask_replacement' must be one of [mask, bert], got 'random'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Models.create("bert4rec", Map.of("positions", "end"), 30, 10));
    assertTrue(e.getMessage().contains("[window, start], got 'end'"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new ClozeMasking(5, 0.2, 0.1, ClozeMasking.LastItem.WINDOWS, ClozeMasking.Replacement.MASK, -1));
    Bert4Rec capped = (Bert4Rec) Models.create("bert4rec", Map.of("max_predictions", "40"), 30, 10);
    assertEquals(40, capped.clozeMasking().maxPredictions());
  }

  // ---------------------------------------------------------------- prediction with an appended [mask]

  @Test
  void predictionAppendsTheMaskTokenAfterTheLastLMinusOneItems() {
    Bert4Rec m = model(40, 5, 0.2f, 0.2f, 0.1f);
    int mask = m.maskToken();
    int[] history = {9, 8, 7, 1, 2, 3, 4};
    float[] scored = ModelScorer.encodeLast(m, new int[][] {history, {6}}, 5);
    float[] expectedLong;
    float[] expectedShort;
    m.train(false);
    try (Grad g = Grad.disabled()) {
      // L = 5: the last 4 history items, then [mask]; the hidden state is read at the mask (position 4).
      expectedLong = Arrays.copyOfRange(m.encode(new IntTensor(new int[] {1, 2, 3, 4, mask}, 1, 5)).toArray(),
          4 * 16, 5 * 16);
      expectedShort = Arrays.copyOfRange(m.encode(new IntTensor(new int[] {0, 0, 0, 6, mask}, 1, 5)).toArray(),
          4 * 16, 5 * 16);
    }
    assertArrayEquals(expectedLong, Arrays.copyOfRange(scored, 0, 16));
    assertArrayEquals(expectedShort, Arrays.copyOfRange(scored, 16, 32));
    // Items older than the last L − 1 do not matter.
    float[] trimmed = ModelScorer.encodeLast(m, new int[][] {{1, 2, 3, 4}}, 5);
    assertArrayEquals(trimmed, Arrays.copyOfRange(scored, 0, 16));
  }

  @Test
  void nextItemModelsAppendNothing() {
    assertEquals(null, new SasRec(SasRec.Config.defaults(10, 5)).clozeMasking());
    assertEquals(null, new Gru4Rec(Gru4Rec.Config.defaults(10)).clozeMasking());
  }

  @Test
  void tinyOverfitOnTheClozeTask() {
    int[][] sequences = {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}, {3, 1, 4, 1, 5, 9}};
    float loss = ModelTestSupport.overfitCloze(model(12, 8, 0f, 0.4f, 0.2f), sequences, 8, 200);
    assertTrue(loss < 0.1f, "last-item loss through [mask] after overfitting: " + loss);
    // The other choice of every option: BERT's replacement rule, no LayerNorm in the output transform, the boosted
    // last item, N(0, 1) embeddings and positions from the start.
    Bert4Rec other = otherChoices(12, 8, 0f, 0.4f, 0.2f);
    assertFalse(other.namedParameters().keySet().stream().anyMatch(n -> n.startsWith("output_layer_norm")));
    float otherLoss = ModelTestSupport.overfitCloze(other, sequences, 8, 200);
    assertTrue(otherLoss < 0.1f, "with every other choice: " + otherLoss);
  }

  // ---------------------------------------------------------------- training wiring

  /** 10 users with 5..16 random items over 30 items. */
  private static SequenceDataset dataset() {
    Rng rng = new Rng(8);
    int users = 10;
    int[] offsets = new int[users + 1];
    int[] flat = new int[users * 16];
    for (int u = 0; u < users; u++) {
      int n = 5 + rng.nextInt(12);
      for (int i = 0; i < n; i++) {
        flat[offsets[u] + i] = 1 + rng.nextInt(30);
      }
      offsets[u + 1] = offsets[u] + n;
    }
    String[] userIds = new String[users];
    String[] itemIds = new String[30];
    Arrays.setAll(userIds, i -> "u" + i);
    Arrays.setAll(itemIds, i -> "i" + (i + 1));
    return new SequenceDataset(Vocabulary.ofUsers(userIds), Vocabulary.ofItems(itemIds), offsets,
        Arrays.copyOf(flat, offsets[users]), null);
  }

  private static TrainConfig trainConfig(long maxSteps) {
    return TrainConfig.lruRecDefaults().with(Map.of("max_steps", Long.toString(maxSteps), "train_batch_size", "4",
        "eval_every_steps", "3", "stopping_step", "0", "epochs", "50"));
  }

  @Test
  void trainingStepsMaskWithTheRunSeedAndStep() {
    SequenceDataset data = dataset();
    Split split = Split.leaveOneOut(data);
    Seq2SeqSamples samples = Seq2SeqSamples.of(split, 8, Padding.LEFT);
    Seq2SeqBatch batch = samples.batch(new int[] {0, 1, 2, 3, 4, 5}, 0, 6);
    float[] losses = new float[3];
    long[] steps = {5, 5, 6};
    int[] targets = new int[3];
    for (int i = 0; i < 3; i++) {
      StepRunner runner = new StepRunner(model(30, 8, 0f, 0.5f, 0.1f), trainConfig(10), data, null, 10);
      losses[i] = runner.step(batch, steps[i]);
      targets[i] = runner.lastTargets();
    }
    // Throughput counts the masked positions the loss is taken over, not every labelled one.
    long labelled = Arrays.stream(batch.labels()).filter(label -> label != 0).count();
    assertTrue(targets[0] > 0 && targets[0] < labelled, targets[0] + " of " + labelled);
    assertEquals(losses[0], losses[1], "same seed and step, same masks, same loss");
    assertTrue(losses[0] != losses[2], "another step masks differently");
    assertTrue(Float.isFinite(losses[0]) && losses[0] > 0);

    PrefixSamples prefixes = PrefixSamples.training(split, 8, Padding.LEFT);
    Object prefixBatch = prefixes.batch(new int[] {0, 1}, 0, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new StepRunner(model(30, 8, 0f, 0.5f, 0.1f), trainConfig(10), data, null, 10).step(prefixBatch, 0));
    assertTrue(e.getMessage().contains("seq2seq"), e.getMessage());
  }

  @Test
  void aResumedClozeRunEndsExactlyLikeAnUninterruptedOne(@TempDir Path tmp) throws IOException {
    Bert4Rec straight = model(30, 8, 0.2f, 0.4f, 0.1f);
    train(straight, 8, tmp.resolve("a"), false);
    train(model(30, 8, 0.2f, 0.4f, 0.1f), 4, tmp.resolve("b"), false);
    Bert4Rec resumed = model(30, 8, 0.2f, 0.4f, 0.1f);
    train(resumed, 8, tmp.resolve("b"), true);
    for (String name : straight.namedParameters().keySet()) {
      assertArrayEquals(straight.namedParameters().get(name).toArray(), resumed.namedParameters().get(name).toArray(),
          name);
    }
  }

  private static void train(SequenceModel m, long steps, Path dir, boolean resume) throws IOException {
    SequenceDataset data = dataset();
    Split split = Split.leaveOneOut(data);
    // An ever-increasing metric: the best checkpoint is the last validation (step 8) in both runs.
    Trainer.Validation validation = model -> Map.of("Recall@10", (double) System.nanoTime());
    new Trainer(m, trainConfig(steps).with(Map.of("eval_every_steps", "4")), Seq2SeqSamples.of(split, 8, m.padding()),
        data, null, validation, dir, Map.of(), Map.of(), TrainProgress.quiet()).fit(resume);
  }

  @Test
  void registryBuildsItWithOptions() {
    SequenceModel m = Models.create("bert4rec", Map.of("mask_ratio", "0.6", "last_item_ratio", "0",
        "mask_replacement", "bert", "output_layer_norm", "false", "last_item", "boost", "embedding_init",
        "standard_normal", "positions", "start"), 30, 10);
    assertEquals("bert4rec", m.name());
    assertEquals(ClozeMasking.Replacement.BERT, m.clozeMasking().replacement());
    assertEquals(ClozeMasking.LastItem.BOOST, m.clozeMasking().lastItem());
    Bert4Rec.Config c = ((Bert4Rec) m).config();
    assertFalse(c.outputLayerNorm());
    assertEquals(Bert4Rec.EmbeddingInit.STANDARD_NORMAL, c.embeddingInit());
    assertEquals(Bert4Rec.Positions.START, c.positions());
    Bert4Rec.Config paper = ((Bert4Rec) Models.create("bert4rec", Map.of(), 30, 10)).config();
    assertEquals(ClozeMasking.LastItem.WINDOWS, paper.lastItem());
    assertEquals(Bert4Rec.EmbeddingInit.TRUNCATED_NORMAL, paper.embeddingInit());
    assertEquals(Bert4Rec.Positions.WINDOW, paper.positions());
    assertEquals(ClozeMasking.Replacement.MASK,
        Models.create("bert4rec", Map.of(), 30, 10).clozeMasking().replacement(), "the paper's rule by default");
    assertEquals(0.6, m.clozeMasking().maskRatio(), 1e-6);
    assertEquals(0.0, m.clozeMasking().lastItemRatio(), 1e-6);
    assertEquals(31, m.clozeMasking().maskToken());
    assertTrue(Models.names().contains("bert4rec"));
  }
}
