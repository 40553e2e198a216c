package dev.sequent.core.run;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of the steps around training: preprocessing, evaluation. {@link #console} draws a bar with
 * throughput and ETA (or, when the amount of work is unknown, the elapsed time); {@link #quiet} draws
 * nothing. Training itself reports through {@link dev.sequent.core.train.TrainProgress}.
 */
public interface TaskProgress {

  /** One task in progress; close it when done. */
  interface Task extends AutoCloseable {
    /** {@code count} more units are done. */
    void advance(long count);

    /** Ends the task (prints a summary line where something was drawn). */
    @Override
    void close();
  }

  /**
   * Starts a task.
   *
   * @param name what is being done, e.g. "test evaluation"
   * @param total units of work, or 0 when unknown (then only the elapsed time is shown)
   * @param unit what a unit is, e.g. "users"
   */
  Task start(String name, long total, String unit);

  static TaskProgress quiet() {
    return (name, total, unit) -> new Task() {
      public void advance(long count) {}

      public void close() {}
    };
  }

  /**
   * A progress line redrawn in place (at most a few times a second), shown only once a task has run for
   * half a second so that quick steps leave no clutter. Tasks of unknown size are redrawn by a timer.
   */
  static TaskProgress console(PrintStream out) {
    return console(out, true);
  }

  /**
   * As {@link #console(PrintStream)}; when not {@code interactive} (output to a file or a CI log, where
   * carriage returns pile up) only the summary line of each task that took more than half a second.
   */
  static TaskProgress console(PrintStream out, boolean interactive) {
    return (name, total, unit) -> new ConsoleTask(out, name, total, unit, interactive);
  }

  /** The console rendering of one task. */
  final class ConsoleTask implements Task {
    private static final long SHOW_AFTER_NANOS = 500_000_000L;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream out;
    private final String name;
    private final long total;
    private final String unit;
    private final long started = System.nanoTime();
    private final Thread ticker;
    private final boolean interactive;
    private long done;
    private long lastDrawn;
    private boolean drawn;
    private boolean closed;

    ConsoleTask(PrintStream out, String name, long total, String unit, boolean interactive) {
      this.out = out;
      this.name = name;
      this.total = total;
      this.unit = unit;
      this.interactive = interactive;
      if (total <= 0 && interactive) {
        // Nothing calls advance() for work of unknown size, so a timer keeps the elapsed time moving.
        ticker = new Thread(this::tick, "sequent-progress");
        ticker.setDaemon(true);
        ticker.start();
      } else {
        ticker = null;
      }
    }

    private void tick() {
      try {
        while (true) {
          Thread.sleep(250);
          synchronized (this) {
            if (closed) {
              return;
            }
            draw(System.nanoTime());
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public synchronized void advance(long count) {
      done += count;
      long now = System.nanoTime();
      if (now - lastDrawn >= REDRAW_NANOS) {
        draw(now);
      }
    }

    private void draw(long now) {
      double elapsed = (now - started) / 1e9;
      if (now - started < SHOW_AFTER_NANOS) {
        return;
      }
      lastDrawn = now;
      drawn = true;
      if (!interactive) {
        return;
      }
      String line;
      if (total > 0) {
        int width = 24;
        int filled = (int) Math.min(width, width * done / total);
        double rate = done / Math.max(elapsed, 1e-9);
        double eta = done == 0 ? 0 : (total - done) / rate;
        line = String.format(Locale.ROOT, "[%s%s] %s %d/%d %s, %.0f %s/s, ETA %s", "#".repeat(filled),
            ".".repeat(width - filled), name, done, total, unit, rate, unit, duration(eta));
      } else {
        line = String.format(Locale.ROOT, "%s ... %.1f s", name, elapsed);
      }
      out.print("\r" + line + "   ");
      out.flush();
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (ticker != null) {
        ticker.interrupt();
      }
      double elapsed = (System.nanoTime() - started) / 1e9;
      if (drawn || elapsed * 1e9 >= SHOW_AFTER_NANOS) {
        String rate = done > 0 ? String.format(Locale.ROOT, ", %.0f %s/s", done / elapsed, unit) : "";
        out.print(String.format(Locale.ROOT, "%s%s: done in %.1f s%s%s%n", interactive ? "\r" : "", name, elapsed,
            rate, interactive ? " ".repeat(30) : ""));
        out.flush();
      }
    }
  }

  /** "1m05s", "2h03m". */
  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }
}
