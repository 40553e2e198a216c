package dev.sequent.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sequent.core.data.PrefixSamples;
import dev.sequent.core.data.SampleSet;
import dev.sequent.core.data.Seq2SeqBatch;
import dev.sequent.core.data.Seq2SeqSamples;
import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.data.Split;
import dev.sequent.core.model.LruRec;
import dev.sequent.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StepRunnerTest {
  private static final SequenceDataset DATA = TrainerTest.tinyDataset();
  private static final Split SPLIT = Split.leaveOneOut(DATA);

  /** Without dropout, so that the forward pass does not depend on how the batch is split. */
  private static LruRec model() {
    LruRec.Config d = LruRec.Config.defaults(20);
    return new LruRec(new LruRec.Config(20, 8, 1, 0f, 0f, d.rMin(), d.rMax(), d.maxPhase(), 1e-5f, 3));
  }

  private static Object firstBatch(SampleSet<?> samples) {
    return samples.batch(IntStream.range(0, samples.size()).toArray(), 0, samples.size());
  }

  /** The loss and every parameter's gradient after one accumulation, flattened in parameter order. */
  private static float[] gradients(Object batch, int microBatchSize, float[] loss) {
    LruRec m = model();
    TrainConfig c = TrainConfig.lruRecDefaults().with(Map.of("micro_batch_size", Integer.toString(microBatchSize)));
    StepRunner runner = new StepRunner(m, c, DATA, null, 10);
    loss[0] = runner.accumulateGradients(batch, 0);
    Map<String, Tensor> params = new LinkedHashMap<>(m.namedParameters());
    int n = params.values().stream().mapToInt(Tensor::size).sum();
    float[] out = new float[n];
    int at = 0;
    for (Tensor p : params.values()) {
      for (int i = 0; i < p.size(); i++) {
        out[at++] = p.hasGrad() ? p.grad()[p.offset() + i] : 0f;
      }
    }
    return out;
  }

  private static void assertSameGradients(Object batch, int microBatchSize) {
    float[] wholeLoss = new float[1];
    float[] partsLoss = new float[1];
    float[] whole = gradients(batch, 0, wholeLoss);
    float[] parts = gradients(batch, microBatchSize, partsLoss);
    assertEquals(wholeLoss[0], partsLoss[0], 1e-5f);
    double scale = 0;
    for (float g : whole) {
      scale = Math.max(scale, Math.abs(g));
    }
    for (int i = 0; i < whole.length; i++) {
      assertEquals(whole[i], parts[i], 1e-5 * scale, "gradient element " + i);
    }
  }

  @Test
  void microBatchesOfUnequalTargetCountsGiveTheWholeBatchGradient() {
    Seq2SeqBatch batch = (Seq2SeqBatch) firstBatch(Seq2SeqSamples.of(SPLIT, 6, model().padding()));
    // Rows hold different numbers of labels, so an unweighted mean of the parts' means would differ.
    long distinctCounts = IntStream.range(0, batch.size())
        .map(r -> (int) IntStream.range(0, 6).filter(p -> batch.labels()[r * 6 + p] != 0).count())
        .distinct().count();
    assertNotEquals(1, distinctCounts, "test data: windows should differ in label count");
    assertSameGradients(batch, 1);
    assertSameGradients(batch, 5);
  }

  @Test
  void prefixBatchesSplitTheSameWay() {
    Object batch = firstBatch(PrefixSamples.training(SPLIT, 6, model().padding()));
    assertSameGradients(batch, 7);
  }

  @Test
  void aMicroBatchAsLargeAsTheBatchChangesNothing() {
    Object batch = firstBatch(Seq2SeqSamples.of(SPLIT, 6, model().padding()));
    float[] whole = gradients(batch, 0, new float[1]);
    float[] same = gradients(batch, 1000, new float[1]);
    for (int i = 0; i < whole.length; i++) {
      assertEquals(whole[i], same[i], 0f);
    }
  }

  @Test
  void rejectsNegativeMicroBatchSize() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainConfig.lruRecDefaults().with(Map.of("micro_batch_size", "-1")));
    assertEquals("micro_batch_size must be >= 0, got -1", e.getMessage());
  }
}
