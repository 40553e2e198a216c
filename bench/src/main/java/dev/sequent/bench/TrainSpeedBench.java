package dev.sequent.bench;

import dev.sequent.core.data.BatchSource;
import dev.sequent.core.data.Seq2SeqSamples;
import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.data.Split;
import dev.sequent.core.model.Models;
import dev.sequent.core.model.SequenceModel;
import dev.sequent.core.run.Experiment;
import dev.sequent.core.train.StepRunner;
import dev.sequent.core.train.TrainConfig;
import dev.sequent.tensor.Parallel;
import dev.sequent.tensor.kernel.Kernels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training speed of the models on ML-1M at the official shape (batch 128, L 200, full-softmax CE over all
 * items, AdamW, clipping): milliseconds per step, real target tokens per second and seconds per epoch,
 * next to the official PyTorch code timed on the same CPU (research/pytorch-anchors.md).
 *
 * <p>Run from the repository root, with ../shared beside it:
 * <pre>
 * mvn -q -pl bench -am package -DskipTests
 * java --add-modules jdk.incubator.vector -cp "bench/target/classes:sequent-core/target/classes:sequent-tensor/target/classes" \
 *   dev.sequent.bench.TrainSpeedBench [model ...]
 * </pre>
 * Writes bench/results/train-speed.md.
 */
public final class TrainSpeedBench {
  private static final int WARMUP = 3;
  private static final int TIMED = 12;

  /** PyTorch 1.13 on this CPU, ms per step: default environment and the tuned one (pytorch-anchors.md). */
  private static final Map<String, double[]> PYTORCH = Map.of(
      "lrurec", new double[] {2871, 1184},
      "sasrec", new double[] {1562, 682});

  public static void main(String[] args) throws Exception {
    List<String> models = args.length == 0 ? List.of("lrurec", "sasrec") : List.of(args);
    Experiment data = new Experiment(Map.of("data.path", "../shared/data/ml-1m/ml-1m_5core_timestamps.tsv.gz"));
    SequenceDataset dataset = data.loadData(new PrintStream(new ByteArrayOutputStream()));
    Split split = Split.leaveOneOut(dataset);
    List<String> rows = new ArrayList<>();
    for (String name : models) {
      SequenceModel model = Models.create(name, Map.of(), dataset.numItems(), 200);
      Seq2SeqSamples samples = Seq2SeqSamples.of(split, 200, model.padding());
      TrainConfig config = TrainConfig.lruRecDefaults();
      BatchSource<?> source = new BatchSource<>(samples, 128, true, 42);
      StepRunner runner = new StepRunner(model, config, dataset, null, 1_000_000);
      double[] ms = new double[TIMED];
      long targets = 0;
      for (int i = 0; i < WARMUP + TIMED; i++) {
        Object batch = source.next();
        long t0 = System.nanoTime();
        runner.step(batch, i);
        if (i >= WARMUP) {
          ms[i - WARMUP] = (System.nanoTime() - t0) / 1e6;
          targets += runner.lastTargets();
        }
      }
      double[] sorted = ms.clone();
      Arrays.sort(sorted);
      double median = sorted[TIMED / 2];
      double tokensPerStep = (double) targets / TIMED;
      double stepsPerEpoch = Math.ceil(samples.size() / 128.0);
      double[] torch = PYTORCH.get(name);
      String row = String.format(Locale.ROOT, "| %s | %.0f (%.0f–%.0f) | %.0f | %.1f | %s |", name, median,
          sorted[0], sorted[TIMED - 1], tokensPerStep / median * 1000, stepsPerEpoch * median / 1000,
          torch == null ? "–" : String.format(Locale.ROOT, "%.0f / %.0f ms (%.1f× / %.1f×)", torch[0], torch[1],
              torch[0] / median, torch[1] / median));
      System.out.println(row);
      rows.add(row);
    }
    StringBuilder md = new StringBuilder("# Training speed on ML-1M\n\n");
    md.append(Results.header("TrainSpeedBench", String.join(" ", models), Kernels.get().name(),
        Parallel.threads()));
    md.append("\nShape: batch 128, window 200 (LRURec windows / SASRec windows of the same data), d = 64, "
        + "full-softmax CE over all 3,417 ids at every non-padding position, AdamW, clipping 5.0. "
        + WARMUP + " warm-up steps, then the median (min–max) of " + TIMED + " steps on real batches. "
        + "Tokens = real (non-padding) target positions. Epoch = 56 steps (7,077 windows).\n\n");
    md.append("| model | ms / step | tokens / s | s / epoch | PyTorch 1.13 default / tuned (speed-up) |\n");
    md.append("|---|---|---|---|---|\n");
    rows.forEach(r -> md.append(r).append('\n'));
    Results.write(Path.of("bench/results/train-speed.md"), md.toString());
  }
}
