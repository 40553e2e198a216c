package dev.sequent.cli;

import dev.sequent.core.run.TaskProgress;
import dev.sequent.core.train.TrainProgress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress displays for the commands: bars redrawn in place on a terminal; plain lines when the output is
 * a file or a CI log (where redrawn lines pile up); nothing with {@code --quiet}.
 */
final class Progress {
  private Progress() {}

  /** Whether the process talks to a terminal (no console when output is redirected, e.g. in CI). */
  static boolean interactive() {
    return System.console() != null;
  }

  static TaskProgress tasks(boolean quiet, PrintStream err) {
    return quiet ? TaskProgress.quiet() : TaskProgress.console(err, interactive());
  }

  static TrainProgress training(boolean quiet, PrintStream err) {
    if (quiet) {
      return TrainProgress.quiet();
    }
    return interactive() ? TrainProgress.console(err) : lines(err);
  }

  /** One line per progress report (every 50 steps) and per event. */
  static TrainProgress lines(PrintStream out) {
    return new TrainProgress() {
      @Override
      public void step(long step, long totalSteps, int epoch, double loss, double targetsPerSecond,
                       double etaSeconds) {
        out.println(String.format(Locale.ROOT, "step %d/%d epoch %d loss %.4f %.0f tok/s ETA %s", step, totalSteps,
            epoch, loss, targetsPerSecond, TaskProgress.duration(etaSeconds)));
      }

      @Override
      public void message(String text) {
        out.println(text);
      }

      @Override
      public void done() {
        out.flush();
      }
    };
  }
}
