package dev.sequent.bench;

import dev.sequent.core.run.Versions;
import dev.sequent.tensor.Parallel;
import dev.sequent.tensor.kernel.Kernels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Compute-engine benchmark: this machine's FMA peak, then GEMM throughput on the shapes of one
 * training step of the reference model (B·L = 12,800 tokens, d = 64, 3,416 items), as GFLOP/s and
 * as % of the measured peak. Writes its section of {@code bench/results/engine.md} (one section per
 * JDK feature version, so a JDK 17 and a JDK 25 run sit side by side).
 *
 * <p>Run from the repository root:
 * <pre>
 * mvn -q -o -pl bench -am package -DskipTests
 * java --add-modules jdk.incubator.vector \
 *   -cp bench/target/classes:sequent-tensor/target/classes:sequent-core/target/classes \
 *   dev.sequent.bench.EngineBench
 * </pre>
 * Options: {@code -Dsequent.threads=N}, {@code -Dbench.out=path} (default bench/results/engine.md),
 * {@code -Dbench.samples=N} timed samples per shape (default 11).
 * Needs about 0.5 GB of heap (one 175 MB logits-sized buffer) and about 15 seconds. The machine
 * should be otherwise idle: the CPU share column shows when it was not.
 */
public final class EngineBench {

  private static final int TOKENS = 12_800;
  private static final int DIM = 64;
  private static final int ITEMS = 3_416;
  private static final int WARMUP_CALLS = 6;
  /** A timed sample repeats a call until it lasts at least this long (small shapes). */
  private static final long MIN_SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(30);

  private EngineBench() {}

  /** One measured configuration. */
  private record Result(String name, String shape, double flops, double[] secondsPerCall,
                        double cpuShare) {
    double medianSeconds() {
      return median(secondsPerCall);
    }

    double gflops(double seconds) {
      return flops / seconds / 1e9;
    }
  }

  public static void main(String[] args) throws Exception {
    Kernels kernels = Kernels.get();
    int samples = Integer.getInteger("bench.samples", 11);
    System.out.printf("EngineBench: %s, %d threads, JDK %s%n", kernels.name(), Parallel.threads(),
        Runtime.version());

    double[] peaks = fmaPeak(7);
    double peak = max(peaks);
    System.out.printf("FMA peak: %.1f GFLOP/s (best of %d; median %.1f, min %.1f; CPU share"
        + " ≥ %.0f%%)%n", peak, peaks.length, median(peaks), min(peaks), 100 * peakCpuShare);

    List<Result> results = gemmShapes(kernels, samples);
    String table = table(results, peak);
    System.out.println(table);

    String trainingStep = trainingStep();

    Path out = Paths.get(System.getProperty("bench.out", defaultOut()));
    writeSection(out, report(kernels, peaks, table, trainingStep));
  }

  // ---------------------------------------------------------------------------------------------
  // Peak

  /**
   * FMA throughput of this machine through the Vector API: every thread of the pool runs 16
   * independent FMA chains (enough to cover 2 pipes × 4-cycle latency with room to spare), so the
   * loop is bound by FMA issue only. Returns GFLOP/s of several one-second-ish runs.
   */
  static double[] fmaPeak(int runs) {
    int threads = Parallel.threads();
    long iters = 20_000_000L;
    // Many short calls, so that the loop gets a normal C2 compilation (not only an OSR one).
    long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (System.nanoTime() < warmEnd) {
      fmaAllThreads(threads, 20_000);
    }
    double[] gflops = new double[runs];
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      long cpu0 = processCpuNanos();
      fmaAllThreads(threads, iters);
      double s = (System.nanoTime() - t0) / 1e9;
      peakCpuShare = Math.min(peakCpuShare, (processCpuNanos() - cpu0) / (s * 1e9 * threads));
      gflops[r] = threads * (double) iters * 16 * FMA_SPECIES.length() * 2 / s / 1e9;
    }
    return gflops;
  }

  private static final VectorSpecies<Float> FMA_SPECIES = FloatVector.SPECIES_PREFERRED;
  private static volatile float sink;
  /** Lowest CPU share seen during the peak runs (see processCpuNanos). */
  private static double peakCpuShare = 1;

  private static void fmaAllThreads(int threads, long iters) {
    Parallel.forRange(threads, 1, (from, to) -> {
      for (int t = from; t < to; t++) {
        sink += fmaChains(iters, t);
      }
    });
  }

  private static float fmaChains(long iters, int seed) {
    VectorSpecies<Float> s = FMA_SPECIES;
    // a ← a·m + c converges to c/(1−m): no overflow, no subnormals, no way to fold the chains.
    FloatVector m = FloatVector.broadcast(s, 0.999f);
    FloatVector c = FloatVector.broadcast(s, 1e-3f * (seed + 1));
    FloatVector a0 = c, a1 = c.add(1f), a2 = c.add(2f), a3 = c.add(3f);
    FloatVector a4 = c.add(4f), a5 = c.add(5f), a6 = c.add(6f), a7 = c.add(7f);
    FloatVector a8 = c.add(8f), a9 = c.add(9f), a10 = c.add(10f), a11 = c.add(11f);
    FloatVector a12 = c.add(12f), a13 = c.add(13f), a14 = c.add(14f), a15 = c.add(15f);
    for (long i = 0; i < iters; i++) {
      a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c);
      a4 = a4.fma(m, c); a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c);
      a8 = a8.fma(m, c); a9 = a9.fma(m, c); a10 = a10.fma(m, c); a11 = a11.fma(m, c);
      a12 = a12.fma(m, c); a13 = a13.fma(m, c); a14 = a14.fma(m, c); a15 = a15.fma(m, c);
    }
    FloatVector sum = a0.add(a1).add(a2.add(a3)).add(a4.add(a5).add(a6.add(a7)))
        .add(a8.add(a9).add(a10.add(a11)).add(a12.add(a13).add(a14.add(a15))));
    return sum.lane(0);
  }

  // ---------------------------------------------------------------------------------------------
  // GEMM shapes

  /** A GEMM call on the shared buffers. */
  private record Gemm(String name, String shape, boolean transA, boolean transB, int m, int n,
                      int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
    void run(Kernels kernels) {
      kernels.gemm(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, 0f, c, 0, ldc);
    }

    double flops() {
      return 2.0 * m * n * k;
    }

    /** Largest relative error over 200 sampled entries against a double-precision dot product. */
    double sampledError() {
      SplittableRandom rnd = new SplittableRandom(7);
      double worst = 0;
      for (int t = 0; t < 200; t++) {
        int i = rnd.nextInt(m);
        int j = rnd.nextInt(n);
        double s = 0;
        double mag = 0;
        for (int p = 0; p < k; p++) {
          double x = transA ? a[p * lda + i] : a[i * lda + p];
          double y = transB ? b[j * ldb + p] : b[p * ldb + j];
          s += x * y;
          mag += Math.abs(x * y);
        }
        worst = Math.max(worst, Math.abs(c[i * ldc + j] - s) / mag);
      }
      return worst;
    }
  }

  static List<Result> gemmShapes(Kernels kernels, int samples) {
    SplittableRandom rnd = new SplittableRandom(42);
    float[] x = random(rnd, TOKENS * DIM); // hidden states h [12800, 64]
    float[] w = random(rnd, DIM * ITEMS); // output weight Wout [64, 3416]
    float[] e = random(rnd, ITEMS * DIM); // tied item embedding E [3416, 64]
    float[] h = random(rnd, DIM * DIM); // hidden layer weight [64, 64]
    float[] big = new float[TOKENS * ITEMS]; // logits, and later dLogits, [12800, 3416]
    float[] small = new float[TOKENS * DIM]; // [12800, 64] outputs
    float[] dw = new float[DIM * ITEMS]; // [64, 3416]

    Gemm[] gemms = {
        new Gemm("fwd", "[12800,64]×[64,3416]", false, false, TOKENS, ITEMS, DIM,
            x, DIM, w, ITEMS, big, ITEMS),
        new Gemm("tied", "[12800,64]×[3416,64]ᵀ", false, true, TOKENS, ITEMS, DIM,
            x, DIM, e, DIM, big, ITEMS),
        new Gemm("hidden", "[12800,64]×[64,64]", false, false, TOKENS, DIM, DIM,
            x, DIM, h, DIM, small, DIM),
        // Weight gradient of fwd: dWout = hᵀ · dLogits.
        new Gemm("dW", "[12800,64]ᵀ×[12800,3416] → [64,3416]", true, false, DIM, ITEMS, TOKENS,
            x, DIM, big, ITEMS, dw, ITEMS),
        // Input gradient of the tied layer: dh = dLogits · E, with E [3416,64] used as stored.
        new Gemm("dX", "[12800,3416]×[3416,64] (E as stored) → [12800,64]", false, false,
            TOKENS, DIM, ITEMS, big, ITEMS, e, DIM, small, DIM),
        // Input gradient of the untied fwd layer: dh = dLogits · Woutᵀ, Wout [64,3416] stored.
        new Gemm("dX (Bᵀ)", "[12800,3416]×[64,3416]ᵀ → [12800,64]", false, true,
            TOKENS, DIM, ITEMS, big, ITEMS, w, ITEMS, small, DIM),
    };

    List<Result> results = new ArrayList<>();
    for (Gemm g : gemms) {
      long t0 = System.nanoTime();
      for (int i = 0; i < WARMUP_CALLS; i++) {
        g.run(kernels);
      }
      double warmCall = (System.nanoTime() - t0) / (double) WARMUP_CALLS;
      double err = g.sampledError();
      if (!(err < 1e-5)) {
        throw new AssertionError(g.name + ": sampled relative error " + err);
      }
      int reps = (int) Math.max(1, Math.ceil(MIN_SAMPLE_NANOS / warmCall));
      double[] perCall = new double[samples];
      long wall0 = System.nanoTime();
      long cpu0 = processCpuNanos();
      for (int s = 0; s < samples; s++) {
        long s0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
          g.run(kernels);
        }
        perCall[s] = (System.nanoTime() - s0) / 1e9 / reps;
      }
      double share = (processCpuNanos() - cpu0)
          / ((double) (System.nanoTime() - wall0) * Parallel.threads());
      Result r = new Result(g.name, g.shape, g.flops(), perCall, share);
      results.add(r);
      System.out.printf("  %-8s %7.1f GFLOP/s (%.2f ms/call, %d×%d calls, CPU share %.0f%%,"
              + " sampled rel. err %.1e)%n", g.name, r.gflops(r.medianSeconds()),
          r.medianSeconds() * 1e3, samples, reps, 100 * share, err);
    }
    return results;
  }

  /**
   * CPU time of this process. CPU time over (wall time × threads) is the share of the cores this
   * process actually got: well below 100% means other processes competed and the run is suspect.
   */
  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return -1;
  }

  private static float[] random(SplittableRandom rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return v;
  }

  // ---------------------------------------------------------------------------------------------
  // Training step

  private static final int WARMUP_STEPS = 30;
  private static final int TIMED_STEPS = 20;

  /**
   * One step of research/engine.md's model through the engine's public API (see {@link TrainStep}):
   * 12,800 tokens, 3,416 items, d = 64; the median of the timed steps after warm-up steps.
   */
  static String trainingStep() {
    double[] ms = TrainStep.measure(WARMUP_STEPS, TIMED_STEPS);
    System.out.printf("training step: median %.1f ms (min %.1f, max %.1f)%n", ms[0], ms[1], ms[2]);
    return String.format(java.util.Locale.ROOT,
        "embedding(3416×64) → linear+ReLU → fused chunked full-softmax CE over 3,416 items → backward →"
            + " AdamW, 12,800 tokens: **%.1f ms** median (min %.1f, max %.1f) over " + TIMED_STEPS + " steps after "
            + WARMUP_STEPS + " warm-up steps."
            + " Target ≤ 100 ms; PyTorch 1.13 on this CPU: 414–447 ms default, 148–152 ms tuned.",
        ms[0], ms[1], ms[2]);
  }

  // ---------------------------------------------------------------------------------------------
  // Report

  static String table(List<Result> results, double peak) {
    StringBuilder sb = new StringBuilder();
    sb.append("| op | shape | GFLOP/s (median) | min–max | % of peak | ms/call | CPU share |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    for (Result r : results) {
      double med = r.gflops(r.medianSeconds());
      double lo = r.gflops(max(r.secondsPerCall));
      double hi = r.gflops(min(r.secondsPerCall));
      sb.append(String.format("| %s | %s | %.1f | %.1f–%.1f | %.0f%% | %.2f | %.0f%% |%n", r.name,
          r.shape, med, lo, hi, 100 * med / peak, r.medianSeconds() * 1e3, 100 * r.cpuShare));
    }
    return sb.toString();
  }

  static String report(Kernels kernels, double[] peaks, String table, String trainingStep) {
    String nl = "\n";
    StringBuilder sb = new StringBuilder();
    sb.append("## JDK ").append(Runtime.version().feature()).append(nl).append(nl);
    sb.append("- command: `").append(commandLine()).append("`").append(nl);
    sb.append("- commit: ").append(Results.gitCommit()).append(nl);
    sb.append("- JDK: ").append(Runtime.version()).append(" (")
        .append(System.getProperty("java.vm.name")).append(")").append(nl);
    sb.append("- kernels: ").append(kernels.name()).append(nl);
    sb.append("- threads: ").append(Parallel.threads()).append(nl);
    sb.append("- CPU: ").append(Versions.cpu()).append(", ")
        .append(Runtime.getRuntime().availableProcessors()).append(" processors").append(nl);
    sb.append("- load average (1/5/15 min) at start: ").append(LOAD_AT_START)
        .append(", at end: ").append(Results.loadAverage()).append(nl);
    sb.append("- date: ")
        .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append(nl);
    sb.append(String.format("- measured FMA peak: **%.1f GFLOP/s** (best of %d runs of 16"
            + " independent FMA chains per thread on all threads; median %.1f, min %.1f)%n",
        max(peaks), peaks.length, median(peaks), min(peaks)));
    sb.append(String.format("- lowest CPU share during the peak runs: %.0f%%%n", 100 * peakCpuShare));
    sb.append(nl).append("GEMM, row-major, beta = 0, median of timed samples after ")
        .append(WARMUP_CALLS).append(" warm-up calls; % is of the measured peak.").append(nl)
        .append("dX uses the tied embedding E [3416,64] as stored (backward of the tied layer);")
        .append(" dX (Bᵀ) is the backward of fwd with Wout [64,3416] read transposed.")
        .append(nl).append(nl);
    sb.append(table).append(nl);
    sb.append("### Training step").append(nl).append(nl);
    sb.append(trainingStep != null ? trainingStep
        : "(not measured yet: EngineBench.trainingStep() is a placeholder)").append(nl);
    return sb.toString();
  }

  /** Replaces this JDK's section of the results file (keeping other JDKs'), atomically. */
  static void writeSection(Path out, String section) throws IOException {
    String begin = "<!-- begin jdk" + Runtime.version().feature() + " -->";
    String end = "<!-- end jdk" + Runtime.version().feature() + " -->";
    String block = begin + "\n" + section + end + "\n";
    String old = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    int b = old.indexOf(begin);
    int e = old.indexOf(end);
    String text;
    if (b >= 0 && e > b) {
      text = old.substring(0, b) + block + old.substring(e + end.length()).replaceFirst("^\n", "");
    } else if (old.isEmpty()) {
      text = "# Engine benchmark results\n\nWritten by dev.sequent.bench.EngineBench; each JDK run"
          + " replaces its own section.\n\n" + block;
    } else {
      text = old + (old.endsWith("\n") ? "\n" : "\n\n") + block;
    }
    Results.write(out, text);
  }

  private static String defaultOut() {
    if (Files.isDirectory(Paths.get("bench", "src"))) {
      return "bench/results/engine.md";
    }
    return "results/engine.md"; // started from inside bench/
  }

  private static String commandLine() {
    ProcessHandle.Info info = ProcessHandle.current().info();
    String cmd = info.command().orElse("java");
    String[] args = info.arguments().orElse(new String[0]);
    return cmd + (args.length == 0 ? "" : " " + String.join(" ", args));
  }

  private static final String LOAD_AT_START = Results.loadAverage();

  // ---------------------------------------------------------------------------------------------

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElse(Double.NaN);
  }
}
