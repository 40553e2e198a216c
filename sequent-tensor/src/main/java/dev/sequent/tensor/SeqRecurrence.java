package dev.sequent.tensor;

import java.util.Arrays;

/**
 * The diagonal complex linear recurrence behind {@link Seq#linearRecurrence}. Shapes are checked by
 * {@link Seq}.
 *
 * <p>Each (sequence b, channel j) is an independent scalar complex recurrence, so the work is split over
 * tasks of one sequence × a block of channels; inside a task the loop runs over time with the channel
 * block innermost (contiguous in the [B, L, H] layout).
 */
final class SeqRecurrence {
  /** Channels per task: long enough for contiguous inner loops, short enough to spread small batches. */
  private static final int BLOCK = 32;

  private SeqRecurrence() {}

  /** Returns {hRe, hIm}, two [B, L, H] views of one [2, B, L, H] op output. */
  static Tensor[] run(Tensor uRe, Tensor uIm, Tensor lamRe, Tensor lamIm, IntTensor reset, Tensor h0Re,
                      Tensor h0Im) {
    int batch = uRe.dim(0);
    int len = uRe.dim(1);
    int hid = uRe.dim(2);
    int plane = batch * len * hid;
    float[] ur = uRe.data();
    int uro = uRe.offset();
    float[] ui = uIm.data();
    int uio = uIm.offset();
    float[] lr = lamRe.data();
    int lro = lamRe.offset();
    float[] li = lamIm.data();
    int lio = lamIm.offset();
    int[] rst = reset == null ? null : reset.data();
    int blocks = (hid + BLOCK - 1) / BLOCK;
    int tasks = batch * blocks;
    int minTasks = Math.max(1, 16384 / Math.max(1, len * BLOCK));

    // Plane 0 holds Re h, plane 1 holds Im h.
    Tensor out = Tensor.empty(2, batch, len, hid);
    float[] y = out.data();
    Parallel.forRange(tasks, minTasks, (from, to) -> {
      float[] sr = new float[BLOCK];
      float[] si = new float[BLOCK];
      for (int task = from; task < to; task++) {
        int b = task / blocks;
        int j0 = (task % blocks) * BLOCK;
        int w = Math.min(BLOCK, hid - j0);
        for (int k = 0; k < w; k++) {
          sr[k] = h0Re == null ? 0f : h0Re.data()[h0Re.offset() + b * hid + j0 + k];
          si[k] = h0Im == null ? 0f : h0Im.data()[h0Im.offset() + b * hid + j0 + k];
        }
        for (int t = 0; t < len; t++) {
          int base = (b * len + t) * hid + j0;
          if (rst != null && rst[b * len + t] != 0) {
            // Reset: the carried state is dropped, h_t = u_t.
            for (int k = 0; k < w; k++) {
              sr[k] = ur[uro + base + k];
              si[k] = ui[uio + base + k];
            }
          } else {
            for (int k = 0; k < w; k++) {
              float ar = lr[lro + j0 + k];
              float ai = li[lio + j0 + k];
              float pr = sr[k];
              float pi = si[k];
              // (ar + i·ai)(pr + i·pi) + u
              sr[k] = ar * pr - ai * pi + ur[uro + base + k];
              si[k] = ar * pi + ai * pr + ui[uio + base + k];
            }
          }
          for (int k = 0; k < w; k++) {
            y[base + k] = sr[k];
            y[plane + base + k] = si[k];
          }
        }
      }
    });

    Tensor.record(out, "linearRecurrence", o -> {
      float[] g = o.grad();
      boolean needLam = lamRe.requiresGrad() || lamIm.requiresGrad();
      // dλ per (b, j), reduced over b afterwards in a fixed order: [B, 2, H].
      float[] dLam = needLam ? new float[batch * 2 * hid] : null;
      // Every element of du is written once, so a fresh gradient buffer is assigned instead of added to
      // (uIm is claimed after uRe: if both share a buffer, its additions follow the assignments).
      boolean freshUr = uRe.requiresGrad() && uRe.initGradForOverwrite();
      float[] dur = uRe.requiresGrad() ? uRe.grad() : null;
      boolean freshUi = uIm.requiresGrad() && uIm.initGradForOverwrite();
      float[] dui = uIm.requiresGrad() ? uIm.grad() : null;
      float[] dh0r = h0Re != null && h0Re.requiresGrad() ? h0Re.grad() : null;
      float[] dh0i = h0Im != null && h0Im.requiresGrad() ? h0Im.grad() : null;
      Parallel.forRange(tasks, minTasks, (from, to) -> {
        // cr + i·ci = dL/dh_t arriving from step t+1, i.e. conj(λ)·G_{t+1} (zero if step t+1 was a reset).
        float[] cr = new float[BLOCK];
        float[] ci = new float[BLOCK];
        // G_t, the total gradient of h_t.
        float[] gr = new float[BLOCK];
        float[] gi = new float[BLOCK];
        float[] zeros = new float[BLOCK];
        // The branches sit outside the loops over channels, which the JIT can then vectorise.
        for (int task = from; task < to; task++) {
          int b = task / blocks;
          int j0 = (task % blocks) * BLOCK;
          int w = Math.min(BLOCK, hid - j0);
          Arrays.fill(cr, 0f);
          Arrays.fill(ci, 0f);
          int lamRow = b * 2 * hid + j0;
          int lamOff = lro + j0;
          int lamImOff = lio + j0;
          for (int t = len - 1; t >= 0; t--) {
            int base = (b * len + t) * hid + j0;
            for (int k = 0; k < w; k++) {
              gr[k] = g[base + k] + cr[k];
              gi[k] = g[plane + base + k] + ci[k];
            }
            // h_t = λ·h_{t−1} + u_t passes G_t unchanged to u_t.
            if (freshUr) {
              System.arraycopy(gr, 0, dur, uro + base, w);
            } else if (dur != null) {
              for (int k = 0; k < w; k++) {
                dur[uro + base + k] += gr[k];
              }
            }
            if (freshUi) {
              System.arraycopy(gi, 0, dui, uio + base, w);
            } else if (dui != null) {
              for (int k = 0; k < w; k++) {
                dui[uio + base + k] += gi[k];
              }
            }
            if (rst != null && rst[b * len + t] != 0) {
              Arrays.fill(cr, 0f);
              Arrays.fill(ci, 0f);
              continue;
            }
            if (dLam != null) {
              // h_{t−1}: the previous output, or h0 (zero when absent) before the first step.
              float[] pRe;
              float[] pIm;
              int pReOff;
              int pImOff;
              if (t > 0) {
                pRe = y;
                pIm = y;
                pReOff = base - hid;
                pImOff = plane + base - hid;
              } else {
                pRe = h0Re == null ? zeros : h0Re.data();
                pIm = h0Im == null ? zeros : h0Im.data();
                pReOff = h0Re == null ? 0 : h0Re.offset() + b * hid + j0;
                pImOff = h0Im == null ? 0 : h0Im.offset() + b * hid + j0;
              }
              // dλ += G_t·conj(h_{t−1})
              for (int k = 0; k < w; k++) {
                float pr = pRe[pReOff + k];
                float pi = pIm[pImOff + k];
                dLam[lamRow + k] += gr[k] * pr + gi[k] * pi;
                dLam[lamRow + hid + k] += gi[k] * pr - gr[k] * pi;
              }
            }
            // dh_{t−1} = conj(λ)·G_t
            for (int k = 0; k < w; k++) {
              float ar = lr[lamOff + k];
              float ai = li[lamImOff + k];
              cr[k] = ar * gr[k] + ai * gi[k];
              ci[k] = ar * gi[k] - ai * gr[k];
            }
          }
          // After t = 0 the carry is dL/dh_{−1} = dL/dh0.
          for (int k = 0; k < w; k++) {
            if (dh0r != null) {
              dh0r[h0Re.offset() + b * hid + j0 + k] += cr[k];
            }
            if (dh0i != null) {
              dh0i[h0Im.offset() + b * hid + j0 + k] += ci[k];
            }
          }
        }
      });
      if (dLam != null) {
        float[] dlr = lamRe.requiresGrad() ? lamRe.grad() : null;
        float[] dli = lamIm.requiresGrad() ? lamIm.grad() : null;
        for (int j = 0; j < hid; j++) {
          float sumRe = 0f;
          float sumIm = 0f;
          for (int b = 0; b < batch; b++) {
            sumRe += dLam[b * 2 * hid + j];
            sumIm += dLam[b * 2 * hid + hid + j];
          }
          if (dlr != null) {
            dlr[lro + j] += sumRe;
          }
          if (dli != null) {
            dli[lio + j] += sumIm;
          }
        }
      }
    }, uRe, uIm, lamRe, lamIm, h0Re, h0Im);

    Tensor re = out.narrow0(0, 1).reshape(batch, len, hid);
    Tensor im = out.narrow0(1, 2).reshape(batch, len, hid);
    return new Tensor[] {re, im};
  }
}
