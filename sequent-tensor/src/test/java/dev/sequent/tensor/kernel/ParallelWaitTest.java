package dev.sequent.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.tensor.Parallel;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The kernels hand parts of one call to Parallel and rely on forRange returning only after every
 * part has finished, also when a part fails: otherwise the caller could reuse arrays that a worker
 * is still writing. (Kept with the kernel tests because the GEMM depends on it.)
 */
class ParallelWaitTest {

  @Test
  void failureInCallerPartStillWaitsForWorkers() {
    int before = Parallel.threads();
    try {
      Parallel.setThreads(2);
      AtomicBoolean workerDone = new AtomicBoolean();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
          Parallel.forRange(2, 1, (from, to) -> {
            if (from == 0) {
              throw new IllegalArgumentException("caller part fails");
            }
            sleep(200);
            workerDone.set(true);
          }));
      assertEquals("caller part fails", e.getMessage());
      assertTrue(workerDone.get(), "forRange returned before the worker part finished");
    } finally {
      Parallel.setThreads(before);
    }
  }

  @Test
  void failureInWorkerPartIsRethrown() {
    int before = Parallel.threads();
    try {
      Parallel.setThreads(2);
      assertThrows(IllegalStateException.class, () ->
          Parallel.forRange(2, 1, (from, to) -> {
            if (from == 1) {
              throw new IllegalStateException("worker part fails");
            }
          }));
    } finally {
      Parallel.setThreads(before);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
