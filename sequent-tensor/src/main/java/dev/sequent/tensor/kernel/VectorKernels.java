package dev.sequent.tensor.kernel;

import dev.sequent.tensor.Activations;
import dev.sequent.tensor.Parallel;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the incubating Vector API ({@code jdk.incubator.vector}). This is the only class that
 * references the module; {@link Kernels#get()} loads it reflectively, so without the module the rest
 * of the engine still links and runs on {@link ScalarKernels}.
 *
 * <p>GEMM design (shared/research/engine.md, section B): BLIS-style loops over row-major operands.
 * A is never packed: the micro-kernel reads it in place through a row stride and a column stride,
 * which makes a transposed A free. A transposed B is packed into zero-padded panels in per-thread
 * buffers. A plain B is read in place, with only its ragged last columns packed, unless a thread has
 * enough rows to amortize packing it as well (see PACK_MIN_ROWS). The micro-kernel keeps a 6 × NR
 * tile of C in registers: NR = 4 vectors at 512 bit (24 accumulators of the 32 zmm registers), 2
 * vectors below that (12 of the 16 ymm/xmm registers of AVX2/SSE; a 6×4 tile there spills and runs
 * at ~70% of the 6×2 speed, engine.md). Threads take static, tile-aligned slices of the larger of M
 * and N through {@link Parallel}. Products under SMALL_GEMM multiply-adds take plain row loops.
 *
 * <p>Blocking, outermost first: columns in blocks of nc (kc × nc floats of B = 512 KB, L2), K in
 * blocks of KC, then strips of 6 rows that sweep the whole column block (see {@code Gemm.run}).
 *
 * <p>Each C element is computed as C (or 0 when beta is 0), then one fused multiply-add per k in
 * ascending order. That order depends only on k, never on the thread count, the tile position or
 * edge handling, so results are bit-identical from run to run and for any thread count.
 */
final class VectorKernels implements Kernels {

  static final VectorKernels INSTANCE = new VectorKernels();

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** Lanes of the same vector size for the dropout mask: one long draw per two floats. */
  private static final VectorSpecies<Long> LS = VectorSpecies.of(long.class, S.vectorShape());
  private static final VectorSpecies<Integer> SI = VectorSpecies.of(int.class, S.vectorShape());
  /** SplitMix64 constants (as in {@code dev.sequent.tensor.Rng}). */
  private static final long SPLITMIX_GAMMA = 0x9E3779B97F4A7C15L;
  private static final long SPLITMIX_M1 = 0xBF58476D1CE4E5B9L;
  private static final long SPLITMIX_M2 = 0x94D049BB133111EBL;

  /** Rows of the register tile. */
  private static final int MR = 6;
  /** Vectors per row of the register tile, and the tile width in floats. */
  private static final int NV = S.vectorBitSize() >= 512 ? 4 : 2;
  private static final int NR = NV * L;
  /**
   * Depth of one pass over K: the C tile is loaded and stored once per block. 256 and 384 measured
   * the same within noise; 256 keeps the A strip (MR × KC, 6 KB) well inside L1.
   */
  private static final int KC = 256;
  /**
   * Floats in one KC × NC block of B (512 KB, half of a Zen 5 L2): the block every A strip sweeps.
   * Also the size of the transposed-B pack buffer. 256 KB and 1 MB blocks were slower in
   * single-thread tests of the fwd shape (about 130 against 150 GFLOP/s).
   */
  private static final int NC_FLOATS = 128 * 1024;
  /**
   * A plain B is packed too when one thread's slice has at least this many rows to amortize the
   * copy: contiguous panels beat rows read in place at a large stride (a new page per k) by ~8%
   * on the fwd shape (single thread, 150-160 → 165-174 GFLOP/s). For few rows (dW: m = 64) the
   * copy costs more than it saves, so B stays in place there, as engine.md §B does.
   */
  private static final int PACK_MIN_ROWS = 384;
  /** Below this many multiply-adds, blocking and threading cost more than they save. */
  private static final long SMALL_GEMM = 32 * 1024;
  /** Multiply-adds a thread should get before a hand-off to the pool pays off (~5-10 µs). */
  private static final long PARALLEL_MIN = 1L << 20;

  /** Per-thread scratch, sized once, so a GEMM allocates nothing after warm-up. */
  private static final class Workspace {
    final float[] packB = new float[Math.max(NC_FLOATS, KC * NR)];
    final float[] edgeB = new float[KC * NR];
    final float[] edgeA = new float[MR * KC];
    final float[] tile = new float[MR * NR];
  }

  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  private VectorKernels() {}

  @Override
  public String name() {
    return "vector-" + S.vectorBitSize() + "bit-" + MR + "x" + NV;
  }

  // ---------------------------------------------------------------------------------------------
  // GEMM

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k,
                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                   float beta, float[] c, int cOff, int ldc) {
    if (m <= 0 || n <= 0) {
      return;
    }
    if (k <= 0 || (long) m * n * k < SMALL_GEMM) {
      gemmDirect(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    Gemm g = new Gemm(transA, transB, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    // Threads take contiguous, tile-aligned slices of the larger dimension, so only the last slice
    // has ragged edges and no two threads write the same cache line of C in the common case.
    if (m >= n) {
      int tiles = (m + MR - 1) / MR;
      Parallel.forRange(tiles, minTiles((long) MR * n * k), (t0, t1) ->
          g.run(t0 * MR, Math.min(m, t1 * MR), 0, n));
    } else {
      int tiles = (n + NR - 1) / NR;
      Parallel.forRange(tiles, minTiles((long) NR * m * k), (t0, t1) ->
          g.run(0, m, t0 * NR, Math.min(n, t1 * NR)));
    }
  }

  private static int minTiles(long workPerTile) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, PARALLEL_MIN / workPerTile));
  }

  /** One GEMM call: operands plus the blocked loops over a rectangle of C. */
  private static final class Gemm {
    final boolean transB;
    final int k;
    final float[] a;
    final int aOff;
    final int rsA; // distance between A(i, p) and A(i + 1, p)
    final int csA; // distance between A(i, p) and A(i, p + 1)
    final float[] b;
    final int bOff;
    final int ldb;
    final float beta;
    final float[] c;
    final int cOff;
    final int ldc;

    Gemm(boolean transA, boolean transB, int k, float[] a, int aOff, int lda,
         float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
      this.transB = transB;
      this.k = k;
      this.a = a;
      this.aOff = aOff;
      this.rsA = transA ? 1 : lda;
      this.csA = transA ? lda : 1;
      this.b = b;
      this.bOff = bOff;
      this.ldb = ldb;
      this.beta = beta;
      this.c = c;
      this.cOff = cOff;
      this.ldc = ldc;
    }

    /** Computes rows [m0, m1) × columns [n0, n1) of C; n0 is a multiple of NR. */
    void run(int m0, int m1, int n0, int n1) {
      Workspace ws = WORKSPACE.get();
      if (beta != 0f && beta != 1f) {
        for (int i = m0; i < m1; i++) {
          INSTANCE.scale(beta, c, cOff + i * ldc + n0, n1 - n0);
        }
      }
      boolean packed = transB || (ldb != NR && m1 - m0 >= PACK_MIN_ROWS);
      int ncMax = Math.max(NR, NC_FLOATS / Math.min(KC, k) / NR * NR);
      for (int jc = n0; jc < n1; jc += ncMax) {
        int nc = Math.min(ncMax, n1 - jc);
        for (int pc = 0; pc < k; pc += KC) {
          int kc = Math.min(KC, k - pc);
          boolean add = pc > 0 || beta != 0f; // beta 0: the first block overwrites (even NaN)
          if (transB) {
            packTransposedB(ws.packB, pc, kc, jc, nc);
          } else if (packed) {
            packPlainB(ws.packB, pc, kc, jc, nc);
          } else if (nc % NR != 0) {
            packEdgeB(ws.edgeB, pc, kc, jc + nc / NR * NR, nc % NR);
          }
          // Loop order: each strip of MR rows of A (MR × kc floats, ≤ 6 KB) stays in L1 while it
          // sweeps the B block (kc × nc ≤ 512 KB, in L2), and C is written as MR sequential row
          // streams that the hardware prefetchers follow. Classic BLIS order (MC = 96 rows of
          // strips under one B micro-panel) measured the same or up to 25% slower on the k = 64
          // shapes, where writing C is most of the memory traffic: there C advances in 96
          // interleaved row streams, and the kc × 64 B micro-panel does not fit L1 for kc > 128.
          for (int i = m0; i < m1; i += MR) {
            int mr = Math.min(MR, m1 - i);
            if (mr < MR) {
              packEdgeA(ws.edgeA, i, mr, pc, kc);
            }
            for (int jr = 0; jr < nc; jr += NR) {
              tile(ws, packed, pc, kc, i, mr, jc + jr, Math.min(NR, nc - jr), jr * kc, add);
            }
          }
        }
      }
    }

    /** One MR × NR tile of C at row i, column j (mr, nr: its valid part). */
    private void tile(Workspace ws, boolean packed, int pc, int kc, int i, int mr, int j, int nr,
                      int packOff, boolean add) {
      float[] bp;
      int bpOff;
      int bpLd;
      if (packed) {
        bp = ws.packB;
        bpOff = packOff;
        bpLd = NR;
      } else if (nr == NR) {
        bp = b;
        bpOff = bOff + pc * ldb + j;
        bpLd = ldb;
      } else {
        bp = ws.edgeB;
        bpOff = 0;
        bpLd = NR;
      }
      int cIdx = cOff + i * ldc + j;
      // A tile at most half as wide as NR (attention's products with 32-wide heads, the last columns of a
      // wide C) needs only the half-width kernel: half the work, the same FMA order for every element.
      boolean half = NV == 4 && nr <= NR / 2;
      if (mr == MR && (nr == NR || (half && nr == NR / 2))) {
        if (half) {
          kernel6x2(kc, a, aOff + i * rsA + pc * csA, rsA, csA, bp, bpOff, bpLd, c, cIdx, ldc, add);
        } else {
          kernel(kc, a, aOff + i * rsA + pc * csA, rsA, csA, bp, bpOff, bpLd, c, cIdx, ldc, add);
        }
      } else {
        // Edge tile: run the kernel on a scratch copy of the valid part of C (so the arithmetic is the
        // same as for an interior tile), then copy the valid part back.
        float[] t = ws.tile;
        if (add) {
          for (int r = 0; r < mr; r++) {
            System.arraycopy(c, cIdx + r * ldc, t, r * NR, nr);
          }
        }
        float[] ea = mr == MR ? a : ws.edgeA;
        int eaOff = mr == MR ? aOff + i * rsA + pc * csA : 0;
        int eRs = mr == MR ? rsA : kc;
        int eCs = mr == MR ? csA : 1;
        if (half) {
          kernel6x2(kc, ea, eaOff, eRs, eCs, bp, bpOff, bpLd, t, 0, NR, add);
        } else {
          kernel(kc, ea, eaOff, eRs, eCs, bp, bpOff, bpLd, t, 0, NR, add);
        }
        for (int r = 0; r < mr; r++) {
          System.arraycopy(t, r * NR, c, cIdx + r * ldc, nr);
        }
      }
    }

    /**
     * Packs B(pc.., jc..) of the transposed B (stored [n, k]) as consecutive kc × NR panels, zero
     * padded past column jc + nc. Reads run along the stored rows (contiguous in p).
     */
    private void packTransposedB(float[] dst, int pc, int kc, int jc, int nc) {
      int panels = (nc + NR - 1) / NR;
      for (int t = 0; t < panels; t++) {
        int base = t * kc * NR;
        for (int jj = 0; jj < NR; jj++) {
          int j = t * NR + jj;
          if (j < nc) {
            int src = bOff + (jc + j) * ldb + pc;
            for (int p = 0; p < kc; p++) {
              dst[base + p * NR + jj] = b[src + p];
            }
          } else {
            for (int p = 0; p < kc; p++) {
              dst[base + p * NR + jj] = 0f;
            }
          }
        }
      }
    }

    /** Packs B(pc.., jc..) of a plain B as consecutive kc × NR panels, zero padded. */
    private void packPlainB(float[] dst, int pc, int kc, int jc, int nc) {
      for (int p = 0; p < kc; p++) {
        int src = bOff + (pc + p) * ldb + jc;
        for (int j = 0; j < nc; j += NR) {
          int w = Math.min(NR, nc - j);
          int d = j * kc + p * NR;
          System.arraycopy(b, src + j, dst, d, w);
          if (w < NR) {
            Arrays.fill(dst, d + w, d + NR, 0f);
          }
        }
      }
    }

    /** Packs the last, narrower-than-NR columns [j, j + w) of a plain B into a zero-padded panel. */
    private void packEdgeB(float[] dst, int pc, int kc, int j, int w) {
      for (int p = 0; p < kc; p++) {
        int src = bOff + (pc + p) * ldb + j;
        System.arraycopy(b, src, dst, p * NR, w);
        Arrays.fill(dst, p * NR + w, (p + 1) * NR, 0f);
      }
    }

    /** Copies rows [i, i + mr) (mr < MR) of A(.., pc..) into MR × kc scratch, zeroing the rest. */
    private void packEdgeA(float[] dst, int i, int mr, int pc, int kc) {
      for (int r = 0; r < MR; r++) {
        for (int p = 0; p < kc; p++) {
          dst[r * kc + p] = r < mr ? a[aOff + (i + r) * rsA + (pc + p) * csA] : 0f;
        }
      }
    }
  }

  /**
   * C tile (MR × NR at c[cOff], row stride ldc) = [C +] sum over p < kc of A(r, p) · B(p, 0..NR).
   * A(r, p) = a[aOff + r·rsA + p·csA]; B row p starts at b[bOff + p·ldb].
   */
  private static void kernel(int kc, float[] a, int aOff, int rsA, int csA,
                             float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                             boolean add) {
    if (NV == 4) {
      kernel6x4(kc, a, aOff, rsA, csA, b, bOff, ldb, c, cOff, ldc, add);
    } else {
      kernel6x2(kc, a, aOff, rsA, csA, b, bOff, ldb, c, cOff, ldc, add);
    }
  }

  private static void kernel6x4(int kc, float[] a, int aOff, int rsA, int csA,
                                float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                                boolean add) {
    int c0 = cOff + 0 * ldc;
    int c1 = cOff + 1 * ldc;
    int c2 = cOff + 2 * ldc;
    int c3 = cOff + 3 * ldc;
    int c4 = cOff + 4 * ldc;
    int c5 = cOff + 5 * ldc;
    FloatVector zero = FloatVector.zero(S);
    FloatVector c00 = add ? FloatVector.fromArray(S, c, c0) : zero;
    FloatVector c01 = add ? FloatVector.fromArray(S, c, c0 + L) : zero;
    FloatVector c02 = add ? FloatVector.fromArray(S, c, c0 + 2 * L) : zero;
    FloatVector c03 = add ? FloatVector.fromArray(S, c, c0 + 3 * L) : zero;
    FloatVector c10 = add ? FloatVector.fromArray(S, c, c1) : zero;
    FloatVector c11 = add ? FloatVector.fromArray(S, c, c1 + L) : zero;
    FloatVector c12 = add ? FloatVector.fromArray(S, c, c1 + 2 * L) : zero;
    FloatVector c13 = add ? FloatVector.fromArray(S, c, c1 + 3 * L) : zero;
    FloatVector c20 = add ? FloatVector.fromArray(S, c, c2) : zero;
    FloatVector c21 = add ? FloatVector.fromArray(S, c, c2 + L) : zero;
    FloatVector c22 = add ? FloatVector.fromArray(S, c, c2 + 2 * L) : zero;
    FloatVector c23 = add ? FloatVector.fromArray(S, c, c2 + 3 * L) : zero;
    FloatVector c30 = add ? FloatVector.fromArray(S, c, c3) : zero;
    FloatVector c31 = add ? FloatVector.fromArray(S, c, c3 + L) : zero;
    FloatVector c32 = add ? FloatVector.fromArray(S, c, c3 + 2 * L) : zero;
    FloatVector c33 = add ? FloatVector.fromArray(S, c, c3 + 3 * L) : zero;
    FloatVector c40 = add ? FloatVector.fromArray(S, c, c4) : zero;
    FloatVector c41 = add ? FloatVector.fromArray(S, c, c4 + L) : zero;
    FloatVector c42 = add ? FloatVector.fromArray(S, c, c4 + 2 * L) : zero;
    FloatVector c43 = add ? FloatVector.fromArray(S, c, c4 + 3 * L) : zero;
    FloatVector c50 = add ? FloatVector.fromArray(S, c, c5) : zero;
    FloatVector c51 = add ? FloatVector.fromArray(S, c, c5 + L) : zero;
    FloatVector c52 = add ? FloatVector.fromArray(S, c, c5 + 2 * L) : zero;
    FloatVector c53 = add ? FloatVector.fromArray(S, c, c5 + 3 * L) : zero;
    int a1 = aOff + rsA, a2 = a1 + rsA, a3 = a2 + rsA, a4 = a3 + rsA, a5 = a4 + rsA;
    for (int p = 0; p < kc; p++) {
      int bp = bOff + p * ldb;
      int ap = p * csA;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
      FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
      FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * L);
      FloatVector x = FloatVector.broadcast(S, a[aOff + ap]);
      c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
      x = FloatVector.broadcast(S, a[a1 + ap]);
      c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
      x = FloatVector.broadcast(S, a[a2 + ap]);
      c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
      x = FloatVector.broadcast(S, a[a3 + ap]);
      c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
      x = FloatVector.broadcast(S, a[a4 + ap]);
      c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42); c43 = x.fma(b3, c43);
      x = FloatVector.broadcast(S, a[a5 + ap]);
      c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52); c53 = x.fma(b3, c53);
    }
    c00.intoArray(c, c0);
    c01.intoArray(c, c0 + L);
    c02.intoArray(c, c0 + 2 * L);
    c03.intoArray(c, c0 + 3 * L);
    c10.intoArray(c, c1);
    c11.intoArray(c, c1 + L);
    c12.intoArray(c, c1 + 2 * L);
    c13.intoArray(c, c1 + 3 * L);
    c20.intoArray(c, c2);
    c21.intoArray(c, c2 + L);
    c22.intoArray(c, c2 + 2 * L);
    c23.intoArray(c, c2 + 3 * L);
    c30.intoArray(c, c3);
    c31.intoArray(c, c3 + L);
    c32.intoArray(c, c3 + 2 * L);
    c33.intoArray(c, c3 + 3 * L);
    c40.intoArray(c, c4);
    c41.intoArray(c, c4 + L);
    c42.intoArray(c, c4 + 2 * L);
    c43.intoArray(c, c4 + 3 * L);
    c50.intoArray(c, c5);
    c51.intoArray(c, c5 + L);
    c52.intoArray(c, c5 + 2 * L);
    c53.intoArray(c, c5 + 3 * L);
  }

  private static void kernel6x2(int kc, float[] a, int aOff, int rsA, int csA,
                                float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                                boolean add) {
    int c0 = cOff + 0 * ldc;
    int c1 = cOff + 1 * ldc;
    int c2 = cOff + 2 * ldc;
    int c3 = cOff + 3 * ldc;
    int c4 = cOff + 4 * ldc;
    int c5 = cOff + 5 * ldc;
    FloatVector zero = FloatVector.zero(S);
    FloatVector c00 = add ? FloatVector.fromArray(S, c, c0) : zero;
    FloatVector c01 = add ? FloatVector.fromArray(S, c, c0 + L) : zero;
    FloatVector c10 = add ? FloatVector.fromArray(S, c, c1) : zero;
    FloatVector c11 = add ? FloatVector.fromArray(S, c, c1 + L) : zero;
    FloatVector c20 = add ? FloatVector.fromArray(S, c, c2) : zero;
    FloatVector c21 = add ? FloatVector.fromArray(S, c, c2 + L) : zero;
    FloatVector c30 = add ? FloatVector.fromArray(S, c, c3) : zero;
    FloatVector c31 = add ? FloatVector.fromArray(S, c, c3 + L) : zero;
    FloatVector c40 = add ? FloatVector.fromArray(S, c, c4) : zero;
    FloatVector c41 = add ? FloatVector.fromArray(S, c, c4 + L) : zero;
    FloatVector c50 = add ? FloatVector.fromArray(S, c, c5) : zero;
    FloatVector c51 = add ? FloatVector.fromArray(S, c, c5 + L) : zero;
    int a1 = aOff + rsA, a2 = a1 + rsA, a3 = a2 + rsA, a4 = a3 + rsA, a5 = a4 + rsA;
    for (int p = 0; p < kc; p++) {
      int bp = bOff + p * ldb;
      int ap = p * csA;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
      FloatVector x = FloatVector.broadcast(S, a[aOff + ap]);
      c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[a1 + ap]);
      c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[a2 + ap]);
      c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[a3 + ap]);
      c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, a[a4 + ap]);
      c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, a[a5 + ap]);
      c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
    }
    c00.intoArray(c, c0);
    c01.intoArray(c, c0 + L);
    c10.intoArray(c, c1);
    c11.intoArray(c, c1 + L);
    c20.intoArray(c, c2);
    c21.intoArray(c, c2 + L);
    c30.intoArray(c, c3);
    c31.intoArray(c, c3 + L);
    c40.intoArray(c, c4);
    c41.intoArray(c, c4 + L);
    c50.intoArray(c, c5);
    c51.intoArray(c, c5 + L);
  }

  /** Small products: plain row loops, no packing, no threads. Also handles k = 0. */
  private void gemmDirect(boolean transA, boolean transB, int m, int n, int k,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float beta, float[] c, int cOff, int ldc) {
    int rsA = transA ? 1 : lda;
    int csA = transA ? lda : 1;
    for (int i = 0; i < m; i++) {
      int cRow = cOff + i * ldc;
      if (beta == 0f) {
        Arrays.fill(c, cRow, cRow + n, 0f);
      } else if (beta != 1f) {
        scale(beta, c, cRow, n);
      }
      int aRow = aOff + i * rsA;
      if (!transB) {
        for (int p = 0; p < k; p++) {
          axpy(a[aRow + p * csA], b, bOff + p * ldb, c, cRow, n);
        }
      } else if (!transA) {
        for (int j = 0; j < n; j++) {
          c[cRow + j] += dot(a, aRow, b, bOff + j * ldb, k);
        }
      } else {
        for (int j = 0; j < n; j++) {
          float s = 0f;
          for (int p = 0; p < k; p++) {
            s = Math.fma(a[aRow + p * csA], b[bOff + j * ldb + p], s);
          }
          c[cRow + j] += s;
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Element-wise kernels: a vector loop and a scalar tail each.

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    // Four independent chains hide the FMA latency; they are combined in a fixed order.
    FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
    int i = 0;
    for (; i <= n - 4 * L; i += 4 * L) {
      s0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), s0);
      s1 = FloatVector.fromArray(S, a, aOff + i + L)
          .fma(FloatVector.fromArray(S, b, bOff + i + L), s1);
      s2 = FloatVector.fromArray(S, a, aOff + i + 2 * L)
          .fma(FloatVector.fromArray(S, b, bOff + i + 2 * L), s2);
      s3 = FloatVector.fromArray(S, a, aOff + i + 3 * L)
          .fma(FloatVector.fromArray(S, b, bOff + i + 3 * L), s3);
    }
    for (; i <= n - L; i += L) {
      s0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), s0);
    }
    float[] sLanes = new float[L];
    s0.add(s1).add(s2.add(s3)).intoArray(sLanes, 0);
    float s = addLanes(sLanes);
    for (; i < n; i++) {
      s = Math.fma(a[aOff + i], b[bOff + i], s);
    }
    return s;
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    FloatVector va = FloatVector.broadcast(S, alpha);
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector.fromArray(S, x, xOff + i)
          .fma(va, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
    }
  }

  @Override
  public void scale(float alpha, float[] x, int off, int n) {
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector.fromArray(S, x, off + i).mul(alpha).intoArray(x, off + i);
    }
    for (; i < n; i++) {
      x[off + i] *= alpha;
    }
  }

  @Override
  public void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i))
          .intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = a[aOff + i] + b[bOff + i];
    }
  }

  @Override
  public void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i))
          .intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = a[aOff + i] * b[bOff + i];
    }
  }

  @Override
  public void sub(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector.fromArray(S, a, aOff + i).sub(FloatVector.fromArray(S, b, bOff + i))
          .intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = a[aOff + i] - b[bOff + i];
    }
  }

  @Override
  public void addProduct(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector p = FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i));
      FloatVector.fromArray(S, out, outOff + i).add(p).intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] += a[aOff + i] * b[bOff + i];
    }
  }

  @Override
  public void addScaledRows(float[] alphas, int aOff, int rows, float[] x, int xOff, int ldx, float[] out, int outOff,
                            int n) {
    int i = 0;
    // Eight vectors of outputs at a time (a 128-item block at 512 bits): independent add chains keep the
    // adders busy, and each row's multiplier is broadcast once per eight vectors.
    for (; i <= n - 8 * L; i += 8 * L) {
      FloatVector s0 = FloatVector.fromArray(S, out, outOff + i);
      FloatVector s1 = FloatVector.fromArray(S, out, outOff + i + L);
      FloatVector s2 = FloatVector.fromArray(S, out, outOff + i + 2 * L);
      FloatVector s3 = FloatVector.fromArray(S, out, outOff + i + 3 * L);
      FloatVector s4 = FloatVector.fromArray(S, out, outOff + i + 4 * L);
      FloatVector s5 = FloatVector.fromArray(S, out, outOff + i + 5 * L);
      FloatVector s6 = FloatVector.fromArray(S, out, outOff + i + 6 * L);
      FloatVector s7 = FloatVector.fromArray(S, out, outOff + i + 7 * L);
      for (int r = 0; r < rows; r++) {
        FloatVector a = FloatVector.broadcast(S, alphas[aOff + r]);
        int row = xOff + r * ldx + i;
        s0 = s0.add(FloatVector.fromArray(S, x, row).mul(a));
        s1 = s1.add(FloatVector.fromArray(S, x, row + L).mul(a));
        s2 = s2.add(FloatVector.fromArray(S, x, row + 2 * L).mul(a));
        s3 = s3.add(FloatVector.fromArray(S, x, row + 3 * L).mul(a));
        s4 = s4.add(FloatVector.fromArray(S, x, row + 4 * L).mul(a));
        s5 = s5.add(FloatVector.fromArray(S, x, row + 5 * L).mul(a));
        s6 = s6.add(FloatVector.fromArray(S, x, row + 6 * L).mul(a));
        s7 = s7.add(FloatVector.fromArray(S, x, row + 7 * L).mul(a));
      }
      s0.intoArray(out, outOff + i);
      s1.intoArray(out, outOff + i + L);
      s2.intoArray(out, outOff + i + 2 * L);
      s3.intoArray(out, outOff + i + 3 * L);
      s4.intoArray(out, outOff + i + 4 * L);
      s5.intoArray(out, outOff + i + 5 * L);
      s6.intoArray(out, outOff + i + 6 * L);
      s7.intoArray(out, outOff + i + 7 * L);
    }
    for (; i <= n - L; i += L) {
      FloatVector s0 = FloatVector.fromArray(S, out, outOff + i);
      for (int r = 0; r < rows; r++) {
        s0 = s0.add(FloatVector.fromArray(S, x, xOff + r * ldx + i).mul(FloatVector.broadcast(S, alphas[aOff + r])));
      }
      s0.intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      float s0 = out[outOff + i];
      for (int r = 0; r < rows; r++) {
        s0 += alphas[aOff + r] * x[xOff + r * ldx + i];
      }
      out[outOff + i] = s0;
    }
  }

  @Override
  public void layerNormRow(float[] x, int xOff, float mean, float rstd, float[] gamma, int gOff, float[] beta,
                           int bOff, float[] xhat, int xhOff, float[] y, int yOff, int n) {
    FloatVector vMean = FloatVector.broadcast(S, mean);
    FloatVector vRstd = FloatVector.broadcast(S, rstd);
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector h = FloatVector.fromArray(S, x, xOff + i).sub(vMean).mul(vRstd);
      h.intoArray(xhat, xhOff + i);
      h.mul(FloatVector.fromArray(S, gamma, gOff + i)).add(FloatVector.fromArray(S, beta, bOff + i))
          .intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      float h = (x[xOff + i] - mean) * rstd;
      xhat[xhOff + i] = h;
      y[yOff + i] = h * gamma[gOff + i] + beta[bOff + i];
    }
  }

  @Override
  public float sumSquaredDeviations(float[] x, int off, int n, float mean) {
    FloatVector vMean = FloatVector.broadcast(S, mean);
    FloatVector acc = FloatVector.zero(S);
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector c = FloatVector.fromArray(S, x, off + i).sub(vMean);
      acc = c.fma(c, acc);
    }
    float[] sLanes = new float[L];
    acc.intoArray(sLanes, 0);
    float s = addLanes(sLanes);
    for (; i < n; i++) {
      float c = x[off + i] - mean;
      s = Math.fma(c, c, s);
    }
    return s;
  }

  @Override
  public void layerNormBackwardRow(float[] dy, int dyOff, float[] xhat, int xhOff, float[] gamma, int gOff,
                                   float[] dGamma, float[] dBeta, int n, float[] sums) {
    FloatVector sumDh = FloatVector.zero(S);
    FloatVector sumDhXhat = sumDh;
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector d = FloatVector.fromArray(S, dy, dyOff + i);
      FloatVector h = FloatVector.fromArray(S, xhat, xhOff + i);
      FloatVector.fromArray(S, dGamma, i).add(d.mul(h)).intoArray(dGamma, i);
      FloatVector.fromArray(S, dBeta, i).add(d).intoArray(dBeta, i);
      FloatVector dh = d.mul(FloatVector.fromArray(S, gamma, gOff + i));
      sumDh = sumDh.add(dh);
      sumDhXhat = dh.fma(h, sumDhXhat);
    }
    float[] s0Lanes = new float[L];
    sumDh.intoArray(s0Lanes, 0);
    float s0 = addLanes(s0Lanes);
    float[] s1Lanes = new float[L];
    sumDhXhat.intoArray(s1Lanes, 0);
    float s1 = addLanes(s1Lanes);
    for (; i < n; i++) {
      float d = dy[dyOff + i];
      float h = xhat[xhOff + i];
      dGamma[i] += d * h;
      dBeta[i] += d;
      float dh = d * gamma[gOff + i];
      s0 += dh;
      s1 = Math.fma(dh, h, s1);
    }
    sums[0] = s0;
    sums[1] = s1;
  }

  @Override
  public void layerNormInputGrad(float[] dy, int dyOff, float[] xhat, int xhOff, float[] gamma, int gOff,
                                 float rstd, float meanDh, float meanDhXhat, float[] dx, int dxOff, int n,
                                 boolean overwrite) {
    FloatVector vRstd = FloatVector.broadcast(S, rstd);
    FloatVector vMeanDh = FloatVector.broadcast(S, meanDh);
    FloatVector vMeanDhXhat = FloatVector.broadcast(S, meanDhXhat);
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector dh = FloatVector.fromArray(S, dy, dyOff + i).mul(FloatVector.fromArray(S, gamma, gOff + i));
      FloatVector v = vRstd.mul(dh.sub(vMeanDh).sub(FloatVector.fromArray(S, xhat, xhOff + i).mul(vMeanDhXhat)));
      if (!overwrite) {
        v = FloatVector.fromArray(S, dx, dxOff + i).add(v);
      }
      v.intoArray(dx, dxOff + i);
    }
    for (; i < n; i++) {
      float v = rstd * (dy[dyOff + i] * gamma[gOff + i] - meanDh - xhat[xhOff + i] * meanDhXhat);
      dx[dxOff + i] = overwrite ? v : dx[dxOff + i] + v;
    }
  }

  /** Lane i of the first draw vector of {@link #dropoutMask}: (i + 1)·γ of SplitMix64. */
  private static final long[] DRAW_OFFSETS = new long[LS.length()];

  static {
    for (int i = 0; i < DRAW_OFFSETS.length; i++) {
      DRAW_OFFSETS[i] = (i + 1) * SPLITMIX_GAMMA;
    }
  }

  @Override
  public void dropoutMask(long seed, long threshold, float scale, float[] mask, int off, int n) {
    // SplitMix64 is counter based (draw t mixes seed + (t + 1)·γ), so LS.length() draws are mixed at once;
    // each 64-bit draw, seen as two ints (low half first), decides two adjacent elements.
    int draws = LS.length();
    LongVector z = LongVector.broadcast(LS, seed).add(LongVector.fromArray(LS, DRAW_OFFSETS, 0));
    LongVector step = LongVector.broadcast(LS, draws * SPLITMIX_GAMMA);
    // Unsigned 32-bit comparison as a signed one: flip the sign bit of both sides.
    int flippedThreshold = (int) Math.min(threshold, 0xFFFFFFFFL) ^ Integer.MIN_VALUE;
    IntVector vThreshold = IntVector.broadcast(SI, flippedThreshold);
    IntVector keep = IntVector.broadcast(SI, Float.floatToRawIntBits(scale));
    IntVector drop = IntVector.zero(SI);
    boolean dropAll = threshold > 0xFFFFFFFFL;
    int i = 0;
    for (; i <= n - 2 * draws && !dropAll; i += 2 * draws) {
      LongVector x = z;
      x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 30)).mul(SPLITMIX_M1);
      x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 27)).mul(SPLITMIX_M2);
      x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 31));
      IntVector bits = x.reinterpretAsInts().lanewise(VectorOperators.XOR, Integer.MIN_VALUE);
      keep.blend(drop, bits.compare(VectorOperators.LT, vThreshold)).reinterpretAsFloats()
          .intoArray(mask, off + i);
      z = z.add(step);
    }
    // The rest continues the same stream: draw i/2 is the next one.
    ScalarKernels.INSTANCE.dropoutMask(seed + (long) (i / 2) * SPLITMIX_GAMMA, threshold, scale, mask, off + i,
        n - i);
  }

  @Override
  public void softmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float dot, float scale, float[] dx,
                              int dxOff, int n, boolean overwrite) {
    FloatVector vDot = FloatVector.broadcast(S, dot);
    FloatVector vScale = FloatVector.broadcast(S, scale);
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector v = vScale.mul(FloatVector.fromArray(S, y, yOff + i))
          .mul(FloatVector.fromArray(S, dy, dyOff + i).sub(vDot));
      if (!overwrite) {
        v = FloatVector.fromArray(S, dx, dxOff + i).add(v);
      }
      v.intoArray(dx, dxOff + i);
    }
    for (; i < n; i++) {
      float v = scale * y[yOff + i] * (dy[dyOff + i] - dot);
      dx[dxOff + i] = overwrite ? v : dx[dxOff + i] + v;
    }
  }

  @Override
  public float sum(float[] x, int off, int n) {
    FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
    int i = 0;
    for (; i <= n - 4 * L; i += 4 * L) {
      s0 = s0.add(FloatVector.fromArray(S, x, off + i));
      s1 = s1.add(FloatVector.fromArray(S, x, off + i + L));
      s2 = s2.add(FloatVector.fromArray(S, x, off + i + 2 * L));
      s3 = s3.add(FloatVector.fromArray(S, x, off + i + 3 * L));
    }
    for (; i <= n - L; i += L) {
      s0 = s0.add(FloatVector.fromArray(S, x, off + i));
    }
    float[] sLanes = new float[L];
    s0.add(s1).add(s2.add(s3)).intoArray(sLanes, 0);
    float s = addLanes(sLanes);
    for (; i < n; i++) {
      s += x[off + i];
    }
    return s;
  }

  @Override
  public int firstAbove(float[] x, int from, int to, float threshold) {
    // Used where most values are below the threshold (a top-K scan): test a vector at a time.
    int i = from;
    for (; i <= to - L; i += L) {
      if (FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, threshold).anyTrue()) {
        break;
      }
    }
    while (i < to && !(x[i] > threshold)) {
      i++;
    }
    return i;
  }

  @Override
  public float max(float[] x, int off, int n) {
    // Max is order-independent (Math.max semantics, NaN wins), so the lane reduction may be used.
    FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    int i = 0;
    for (; i <= n - L; i += L) {
      m = m.max(FloatVector.fromArray(S, x, off + i));
    }
    float r = m.reduceLanes(VectorOperators.MAX);
    for (; i < n; i++) {
      r = Math.max(r, x[off + i]);
    }
    return r;
  }

  // GELU: erf(z) = 1 − t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))·exp(−z²), t = 1/(1 + p·|z|), with the sign of z
  // (Abramowitz-Stegun 7.1.26, error < 1.5e-7), as Activations.erfFast. Constants are broadcast into locals
  // before the loops and vectors never go into fields or arrays: either would defeat the intrinsics.
  private static final float ERF_P = 0.3275911f;
  private static final float ERF_A1 = 0.254829592f;
  private static final float ERF_A2 = -0.284496736f;
  private static final float ERF_A3 = 1.421413741f;
  private static final float ERF_A4 = -1.453152027f;
  private static final float ERF_A5 = 1.061405429f;

  @Override
  public void gelu(float[] x, int xOff, float[] y, int yOff, int n) {
    FloatVector one = FloatVector.broadcast(S, 1f);
    FloatVector half = FloatVector.broadcast(S, 0.5f);
    FloatVector invSqrt2 = FloatVector.broadcast(S, 0.70710677f);
    FloatVector p = FloatVector.broadcast(S, ERF_P);
    FloatVector a1 = FloatVector.broadcast(S, ERF_A1);
    FloatVector a2 = FloatVector.broadcast(S, ERF_A2);
    FloatVector a3 = FloatVector.broadcast(S, ERF_A3);
    FloatVector a4 = FloatVector.broadcast(S, ERF_A4);
    FloatVector a5 = FloatVector.broadcast(S, ERF_A5);
    int i = 0;
    for (int upper = S.loopBound(n); i < upper; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, xOff + i);
      FloatVector z = v.mul(invSqrt2);
      FloatVector az = z.abs();
      FloatVector t = one.div(p.fma(az, one));
      FloatVector poly = a5.fma(t, a4).fma(t, a3).fma(t, a2).fma(t, a1).mul(t);
      FloatVector erfAbs = one.sub(poly.mul(exp(az.mul(az).neg())));
      FloatVector erf = erfAbs.blend(erfAbs.neg(), z.lt(0f));
      half.mul(v).mul(one.add(erf)).intoArray(y, yOff + i);
    }
    Activations.geluForward(x, xOff + i, y, yOff + i, n - i);
  }

  @Override
  public void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
    FloatVector one = FloatVector.broadcast(S, 1f);
    FloatVector half = FloatVector.broadcast(S, 0.5f);
    FloatVector invSqrt2 = FloatVector.broadcast(S, 0.70710677f);
    FloatVector invSqrt2Pi = FloatVector.broadcast(S, 0.3989423f);
    FloatVector p = FloatVector.broadcast(S, ERF_P);
    FloatVector a1 = FloatVector.broadcast(S, ERF_A1);
    FloatVector a2 = FloatVector.broadcast(S, ERF_A2);
    FloatVector a3 = FloatVector.broadcast(S, ERF_A3);
    FloatVector a4 = FloatVector.broadcast(S, ERF_A4);
    FloatVector a5 = FloatVector.broadcast(S, ERF_A5);
    int i = 0;
    for (int upper = S.loopBound(n); i < upper; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, xOff + i);
      FloatVector z = v.mul(invSqrt2);
      FloatVector az = z.abs();
      FloatVector t = one.div(p.fma(az, one));
      FloatVector poly = a5.fma(t, a4).fma(t, a3).fma(t, a2).fma(t, a1).mul(t);
      FloatVector density = exp(az.mul(az).neg());
      FloatVector erfAbs = one.sub(poly.mul(density));
      FloatVector cdf = half.mul(one.add(erfAbs.blend(erfAbs.neg(), z.lt(0f))));
      FloatVector grad = FloatVector.fromArray(S, dy, dyOff + i).mul(v.fma(density.mul(invSqrt2Pi), cdf));
      FloatVector.fromArray(S, dx, dxOff + i).add(grad).intoArray(dx, dxOff + i);
    }
    Activations.geluBackward(x, xOff + i, dy, dyOff + i, dx, dxOff + i, n - i);
  }

  @Override
  public void relu(float[] x, int xOff, float[] y, int yOff, int n) {
    FloatVector zero = FloatVector.zero(S);
    int i = 0;
    for (int upper = S.loopBound(n); i < upper; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, xOff + i);
      zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = x[xOff + i] > 0f ? x[xOff + i] : 0f;
    }
  }

  @Override
  public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
    FloatVector zero = FloatVector.zero(S);
    int i = 0;
    for (int upper = S.loopBound(n); i < upper; i += L) {
      FloatVector slope = zero.blend(1f, FloatVector.fromArray(S, x, xOff + i).compare(VectorOperators.GT, 0f));
      FloatVector.fromArray(S, dy, dyOff + i).mul(slope).add(FloatVector.fromArray(S, dx, dxOff + i))
          .intoArray(dx, dxOff + i);
    }
    for (; i < n; i++) {
      dx[dxOff + i] += dy[dyOff + i] * (x[xOff + i] > 0f ? 1f : 0f);
    }
  }

  @Override
  public void elu(float[] x, int xOff, float[] y, int yOff, int n) {
    int i = 0;
    for (int upper = S.loopBound(n); i < upper; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, xOff + i);
      v.blend(expm1NonPositive(v.min(0f)), v.compare(VectorOperators.LE, 0f)).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      float v = x[xOff + i];
      y[yOff + i] = v > 0f ? v : expm1NonPositiveScalar(v);
    }
  }

  @Override
  public void eluBackward(float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                          int n) {
    int i = 0;
    for (int upper = S.loopBound(n); i < upper; i += L) {
      FloatVector slope = FloatVector.fromArray(S, y, yOff + i).add(1f)
          .blend(1f, FloatVector.fromArray(S, x, xOff + i).compare(VectorOperators.GT, 0f));
      FloatVector.fromArray(S, dy, dyOff + i).mul(slope).add(FloatVector.fromArray(S, dx, dxOff + i))
          .intoArray(dx, dxOff + i);
    }
    for (; i < n; i++) {
      dx[dxOff + i] += dy[dyOff + i] * (x[xOff + i] > 0f ? 1f : y[yOff + i] + 1f);
    }
  }

  @Override
  public void silu(float[] x, int xOff, float[] y, int yOff, int n) {
    int i = 0;
    for (int upper = S.loopBound(n); i < upper; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, xOff + i);
      v.mul(sigmoid(v)).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      float v = x[xOff + i];
      y[yOff + i] = v * sigmoidScalar(v);
    }
  }

  @Override
  public void siluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
    int i = 0;
    for (int upper = S.loopBound(n); i < upper; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, xOff + i);
      FloatVector s = sigmoid(v);
      FloatVector slope = s.mul(v.mul(s.neg().add(1f)).add(1f));
      FloatVector.fromArray(S, dy, dyOff + i).mul(slope).add(FloatVector.fromArray(S, dx, dxOff + i))
          .intoArray(dx, dxOff + i);
    }
    for (; i < n; i++) {
      float v = x[xOff + i];
      float s = sigmoidScalar(v);
      dx[dxOff + i] += dy[dyOff + i] * (s * (1f + v * (1f - s)));
    }
  }

  /** σ(x) = 1 / (1 + e^−x) with the polynomial exp; e^−x overflows to +inf for x < −89, giving 0. */
  private static FloatVector sigmoid(FloatVector x) {
    return FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
  }

  /** The same computation as {@link #sigmoid(FloatVector)} on one float, bit for bit. */
  private static float sigmoidScalar(float x) {
    return 1f / (expScalar(-x) + 1f);
  }

  @Override
  public void outerProductScanStep(float[] s, int m, int n, float[] a, int aOff, float[] b, int bOff,
                                   float[] c, int cOff, float[] y, int yOff) {
    // Column blocks outside, rows inside: the blocks of b and y stay in registers across the m rows. Three
    // loops rather than null checks on vectors, which would make C2 box them.
    int j = 0;
    for (int upper = S.loopBound(n); j < upper; j += L) {
      if (a != null && y != null) {
        FloatVector bv = FloatVector.fromArray(S, b, bOff + j);
        FloatVector acc = FloatVector.fromArray(S, y, yOff + j);
        for (int i = 0, at = j; i < m; i++, at += n) {
          FloatVector row = bv.fma(FloatVector.broadcast(S, a[aOff + i]), FloatVector.fromArray(S, s, at));
          row.intoArray(s, at);
          acc = row.fma(FloatVector.broadcast(S, c[cOff + i]), acc);
        }
        acc.intoArray(y, yOff + j);
      } else if (a != null) {
        FloatVector bv = FloatVector.fromArray(S, b, bOff + j);
        for (int i = 0, at = j; i < m; i++, at += n) {
          bv.fma(FloatVector.broadcast(S, a[aOff + i]), FloatVector.fromArray(S, s, at)).intoArray(s, at);
        }
      } else if (y != null) {
        FloatVector acc = FloatVector.fromArray(S, y, yOff + j);
        for (int i = 0, at = j; i < m; i++, at += n) {
          acc = FloatVector.fromArray(S, s, at).fma(FloatVector.broadcast(S, c[cOff + i]), acc);
        }
        acc.intoArray(y, yOff + j);
      }
    }
    for (; j < n; j++) {
      float acc = y == null ? 0f : y[yOff + j];
      for (int i = 0; i < m; i++) {
        int at = i * n + j;
        if (a != null) {
          s[at] = Math.fma(a[aOff + i], b[bOff + j], s[at]);
        }
        if (y != null) {
          acc = Math.fma(c[cOff + i], s[at], acc);
        }
      }
      if (y != null) {
        y[yOff + j] = acc;
      }
    }
  }

  @Override
  public float expShiftSum(float[] x, int xOff, float[] out, int outOff, int n, float shift) {
    FloatVector s = FloatVector.zero(S);
    FloatVector vShift = FloatVector.broadcast(S, shift); // hoisted by hand: JDK 17 C2 does not
    int i = 0;
    for (int upper = S.loopBound(n); i < upper; i += L) {
      FloatVector e = exp(FloatVector.fromArray(S, x, xOff + i).sub(vShift));
      e.intoArray(out, outOff + i);
      s = s.add(e);
    }
    float[] sumLanes = new float[L];
    s.intoArray(sumLanes, 0);
    float sum = addLanes(sumLanes);
    for (; i < n; i++) {
      float e = expScalar(x[xOff + i] - shift);
      out[outOff + i] = e;
      sum += e;
    }
    return sum;
  }

  /**
   * Adds lanes, stored by the caller with {@code intoArray}, in index order. Not {@code reduceLanes(ADD)}:
   * its float order is unspecified and may differ between the interpreter and C2, which would break
   * bit-reproducibility. The vector is stored by the caller rather than passed in: a helper taking a
   * FloatVector, once hot from many call sites, gets compiled on its own, where C2 cannot intrinsify the
   * store of a vector of unknown exact type, and the slow fallback then stops it being inlined anywhere.
   */
  private static float addLanes(float[] lanes) {
    float s = 0f;
    for (float f : lanes) {
      s += f;
    }
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // exp
  //
  // Why not lanewise(VectorOperators.EXP)? Measured on this machine (Zen 5, AVX-512, one thread,
  // 3456 floats in L1, exp + store + running sum, ns per float):
  //
  //                      JDK 17.0.15   JDK 25.0.3
  //   lanewise(EXP)         0.27         0.24      (an SVML stub on x86: fast)
  //   this polynomial       0.33         0.29
  //   expShiftSum           0.37         0.32      (polynomial + shift + scalar tail)
  //   (float) Math.exp      7.8          4.2
  //
  // lanewise(EXP) is fast here, but (1) its max relative error over [-88, 88] is 1.7e-7, against
  // 8.5e-8 for the polynomial (1.7e-7 only for subnormal results, x < -87.3), and (2) it is not
  // reproducible: before C2 compiles the loop it is evaluated per lane like (float) Math.exp, after
  // it calls SVML, and 683 of 65,536 test values changed bits between the two. Without the stub
  // (other CPUs) it stays a per-lane scalar fallback. The polynomial uses only fma/mul/add and bit
  // operations, so every JIT tier and the scalar tail (expScalar) agree bit for bit, at ~20% more
  // cost than SVML.
  //
  // exp(x) = 2^n · e^r with n = round(x·log2 e) and r = x − n·ln 2 (|r| ≤ ln2/2, in two fma steps
  // with a split ln 2). e^r is a degree-6 polynomial fitted for minimum relative error on
  // [−ln2/2, ln2/2] (fit error 2e-9; float rounding dominates). 2^n is applied as two factors
  // 2^(n/2) · 2^(n − n/2), so overflow gives +inf and underflow rounds once into the subnormals;
  // x is clamped to [−104, 89] first (exp(−104) rounds to 0, exp(89) overflows), NaN passes through.

  private static final float LOG2E = 1.44269504f;
  private static final float LN2_HI = (float) Math.log(2);
  private static final float LN2_LO = (float) (Math.log(2) - LN2_HI);
  /** 1.5 · 2^23: adding it rounds to an integer held in the low mantissa bits. */
  private static final float ROUNDER = 12582912f;
  private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
  private static final float P2 = 0.49999994f;
  private static final float P3 = 0.1666643f;
  private static final float P4 = 0.041668005f;
  private static final float P5 = 0.0083741955f;
  private static final float P6 = 0.0013843608f;

  static FloatVector exp(FloatVector x) {
    x = x.max(-104f).min(89f);
    FloatVector t = x.fma(LOG2E, ROUNDER);
    FloatVector r = reduced(x, t);
    FloatVector p = expm1OverR(r).fma(r, FloatVector.broadcast(S, 1f));
    IntVector ni = t.reinterpretAsInts().sub(ROUNDER_BITS);
    IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
    IntVector n2 = ni.sub(n1);
    return p.mul(n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
        .mul(n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
  }

  /**
   * e^x − 1 for x ≤ 0 (ELU's negative side) without the cancellation of exp(x) − 1 near 0: with
   * x = n·ln 2 + r as in {@link #exp(FloatVector)}, e^r − 1 is the same polynomial without its constant
   * term, and e^x − 1 = 2^n·(e^r − 1) + (2^n − 1). x is clamped at −30, where e^x − 1 rounds to −1.
   */
  static FloatVector expm1NonPositive(FloatVector x) {
    x = x.max(-30f);
    FloatVector t = x.fma(LOG2E, ROUNDER);
    FloatVector r = reduced(x, t);
    FloatVector q = expm1OverR(r).mul(r);
    FloatVector scale = t.reinterpretAsInts().sub(ROUNDER_BITS).add(127).lanewise(VectorOperators.LSHL, 23)
        .reinterpretAsFloats();
    return q.fma(scale, scale.sub(1f));
  }

  /** r = x − n·ln 2 (split ln 2, two fma steps), with t = x·log2 e + ROUNDER holding n = round(x·log2 e). */
  private static FloatVector reduced(FloatVector x, FloatVector t) {
    FloatVector n = t.sub(ROUNDER);
    return n.fma(FloatVector.broadcast(S, -LN2_LO), n.fma(FloatVector.broadcast(S, -LN2_HI), x));
  }

  /** (e^r − 1) / r on [−ln2/2, ln2/2]: the fitted polynomial 1 + r/2 + ... + P6·r⁵ (Horner, fma). */
  private static FloatVector expm1OverR(FloatVector r) {
    return r.fma(P6, P5).fma(r, FloatVector.broadcast(S, P4)).fma(r, FloatVector.broadcast(S, P3))
        .fma(r, FloatVector.broadcast(S, P2)).fma(r, FloatVector.broadcast(S, 1f));
  }

  /** The same computation as {@link #expm1NonPositive(FloatVector)} on one float, bit for bit. */
  static float expm1NonPositiveScalar(float x) {
    x = Math.max(x, -30f);
    float t = Math.fma(x, LOG2E, ROUNDER);
    float r = reducedScalar(x, t);
    float q = expm1OverRScalar(r) * r;
    float scale = Float.intBitsToFloat((Float.floatToRawIntBits(t) - ROUNDER_BITS + 127) << 23);
    return Math.fma(q, scale, scale - 1f);
  }

  /** The same computation as {@link #exp(FloatVector)} on one float, bit for bit. */
  static float expScalar(float x) {
    x = Math.min(Math.max(x, -104f), 89f);
    float t = Math.fma(x, LOG2E, ROUNDER);
    float r = reducedScalar(x, t);
    float p = Math.fma(expm1OverRScalar(r), r, 1f);
    int ni = Float.floatToRawIntBits(t) - ROUNDER_BITS;
    int n1 = ni >> 1;
    int n2 = ni - n1;
    return p * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
  }

  /** {@link #reduced(FloatVector, FloatVector)} on one float. */
  private static float reducedScalar(float x, float t) {
    float n = t - ROUNDER;
    return Math.fma(n, -LN2_LO, Math.fma(n, -LN2_HI, x));
  }

  /** {@link #expm1OverR(FloatVector)} on one float. */
  private static float expm1OverRScalar(float r) {
    float q = Math.fma(r, P6, P5);
    q = Math.fma(q, r, P4);
    q = Math.fma(q, r, P3);
    q = Math.fma(q, r, P2);
    return Math.fma(q, r, 1f);
  }
}
