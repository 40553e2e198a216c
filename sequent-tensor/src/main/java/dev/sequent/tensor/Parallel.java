package dev.sequent.tensor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed pool of worker threads with static range splits.
 *
 * <p>Static splits (chunk i always covers the same indices) keep results bit-identical for the same
 * thread count. The thread count defaults to the number of processors and can be set with the system
 * property {@code sequent.threads} or {@link #setThreads(int)}.
 */
public final class Parallel {

  /** Work on indices [from, to). */
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to);
  }

  private static volatile int threads =
      Integer.getInteger("sequent.threads", Runtime.getRuntime().availableProcessors());
  private static ExecutorService pool;
  private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> false);

  private Parallel() {}

  public static int threads() {
    return threads;
  }

  /** Sets the number of threads used by all later parallel loops (at least 1). */
  public static synchronized void setThreads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + n);
    }
    if (n != threads && pool != null) {
      pool.shutdown();
      pool = null;
    }
    threads = n;
  }

  private static synchronized ExecutorService pool() {
    if (pool == null) {
      AtomicInteger count = new AtomicInteger();
      ThreadFactory factory = r -> {
        Thread t = new Thread(() -> {
          IN_WORKER.set(true);
          r.run();
        }, "sequent-worker-" + count.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
      pool = Executors.newFixedThreadPool(Math.max(1, threads - 1), factory);
    }
    return pool;
  }

  /**
   * Runs {@code body} over [0, n) split into at most {@code threads()} contiguous parts, each at least
   * {@code minChunk} long. The calling thread runs the first part. Nested calls run serially.
   */
  public static void forRange(int n, int minChunk, RangeBody body) {
    int parts = Math.min(threads, Math.max(1, n / Math.max(1, minChunk)));
    if (parts <= 1 || IN_WORKER.get()) {
      if (n > 0) {
        body.run(0, n);
      }
      return;
    }
    ExecutorService executor = pool();
    @SuppressWarnings("unchecked")
    Future<?>[] futures = new Future<?>[parts - 1];
    for (int p = 1; p < parts; p++) {
      int from = (int) ((long) n * p / parts);
      int to = (int) ((long) n * (p + 1) / parts);
      futures[p - 1] = executor.submit(() -> body.run(from, to));
    }
    boolean wasWorker = IN_WORKER.get();
    IN_WORKER.set(true);
    Throwable failure = null;
    try {
      body.run(0, (int) ((long) n / parts));
    } catch (RuntimeException | Error e) {
      failure = e;
    } finally {
      IN_WORKER.set(wasWorker);
    }
    // Wait for every part, even after a failure or an interrupt: returning (or throwing) while
    // other parts still run would let the caller reuse arrays that workers are writing.
    boolean interrupted = false;
    for (Future<?> f : futures) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (java.util.concurrent.ExecutionException e) {
          if (failure == null) {
            failure = e.getCause();
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure instanceof RuntimeException) {
      throw (RuntimeException) failure;
    }
    if (failure instanceof Error) {
      throw (Error) failure;
    }
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
  }
}
