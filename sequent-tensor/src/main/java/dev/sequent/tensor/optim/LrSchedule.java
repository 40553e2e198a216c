package dev.sequent.tensor.optim;

/**
 * Learning rate as a function of the optimizer step: {@code opt.setLr(schedule.lr(opt.stepCount()))}
 * before each {@code opt.step()}, so step 0 is the first update. The warm-up schedules follow the
 * Hugging Face {@code get_linear_schedule_with_warmup} / {@code get_cosine_schedule_with_warmup}
 * formulas, so lr(0) is 0 when there is a warm-up and the peak is reached at step {@code warmup}.
 * Because the rate is a pure function of the step, resuming needs only the restored step count.
 */
@FunctionalInterface
public interface LrSchedule {

  /** The learning rate for the update with index {@code step} (from 0). */
  double lr(long step);

  /** Always {@code lr} (LRURec, SASRec, RecBole). */
  static LrSchedule constant(double lr) {
    checkPeak(lr);
    return step -> lr;
  }

  /**
   * peak·step/warmup for step &lt; warmup, then linear decay to 0 at {@code totalSteps}:
   * peak·(total − step)/(total − warmup), and 0 from {@code totalSteps} on.
   */
  static LrSchedule linearWarmupLinearDecay(double peak, long warmup, long totalSteps) {
    checkPeak(peak);
    checkSteps(warmup, totalSteps);
    return step -> {
      if (step < warmup) {
        return peak * step / Math.max(1, warmup);
      }
      return peak * Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmup));
    };
  }

  /** {@link #linearWarmupCosine(double, long, long, double)} decaying to 0. */
  static LrSchedule linearWarmupCosine(double peak, long warmup, long totalSteps) {
    return linearWarmupCosine(peak, warmup, totalSteps, 0.0);
  }

  /**
   * peak·step/warmup for step &lt; warmup, then a half cosine from peak to {@code minLr} at
   * {@code totalSteps}: minLr + (peak − minLr)·½(1 + cos(π·progress)), progress =
   * (step − warmup)/(total − warmup) clamped to [0, 1]; minLr from {@code totalSteps} on.
   */
  static LrSchedule linearWarmupCosine(double peak, long warmup, long totalSteps, double minLr) {
    checkPeak(peak);
    checkSteps(warmup, totalSteps);
    if (!(minLr >= 0 && minLr <= peak)) {
      throw new IllegalArgumentException("minLr must be in [0, peak], got " + minLr);
    }
    return step -> {
      if (step < warmup) {
        return peak * step / Math.max(1, warmup);
      }
      double progress = Math.min(1.0, (double) (step - warmup) / Math.max(1, totalSteps - warmup));
      return minLr + (peak - minLr) * 0.5 * (1.0 + Math.cos(Math.PI * progress));
    };
  }

  private static void checkPeak(double lr) {
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
    }
  }

  private static void checkSteps(long warmup, long totalSteps) {
    if (warmup < 0 || totalSteps < warmup) {
      throw new IllegalArgumentException("need 0 <= warmup <= totalSteps, got warmup " + warmup + ", total "
          + totalSteps);
    }
  }
}
