package dev.sequent.core.train;

import java.io.PrintStream;
import java.util.Locale;

/** Where the trainer reports progress; {@link #console} prints a progress line, {@link #quiet} nothing. */
public interface TrainProgress {

  /**
   * Called every few steps with the mean loss since the last call, targets (tokens) per second and the
   * estimated seconds to {@code totalSteps}.
   */
  void step(long step, long totalSteps, int epoch, double loss, double targetsPerSecond, double etaSeconds);

  /** A one-line event (validation result, resume). */
  void message(String text);

  /** Training ended. */
  void done();

  static TrainProgress quiet() {
    return new TrainProgress() {
      public void step(long step, long totalSteps, int epoch, double loss, double targetsPerSecond,
                       double etaSeconds) {}

      public void message(String text) {}

      public void done() {}
    };
  }

  /** A progress line with loss, throughput and ETA, redrawn in place on a terminal; events on their own line. */
  static TrainProgress console(PrintStream out) {
    return new TrainProgress() {
      private boolean lineOpen;

      public void step(long step, long totalSteps, int epoch, double loss, double targetsPerSecond,
                       double etaSeconds) {
        int width = 24;
        int filled = totalSteps == 0 ? 0 : (int) Math.min(width, width * step / totalSteps);
        out.print(String.format(Locale.ROOT, "\r[%s%s] step %d/%d epoch %d loss %.4f %.0f tok/s ETA %s   ",
            "#".repeat(filled), ".".repeat(width - filled), step, totalSteps, epoch, loss, targetsPerSecond,
            duration(etaSeconds)));
        out.flush();
        lineOpen = true;
      }

      public void message(String text) {
        if (lineOpen) {
          out.println();
          lineOpen = false;
        }
        out.println(text);
      }

      public void done() {
        if (lineOpen) {
          out.println();
          lineOpen = false;
        }
      }
    };
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }
}
