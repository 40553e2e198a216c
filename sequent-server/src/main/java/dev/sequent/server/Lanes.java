package dev.sequent.server;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A striped executor: a few single-threaded lanes, each with a bounded queue. Work for one user always
 * goes to the same lane ({@link #laneOf}), so a user's requests run one at a time in the order they
 * arrived, without a lock convoy; work for no user in particular goes to the shortest queue. A full queue
 * rejects the task at once ({@link RejectedExecutionException}), which the HTTP layer turns into 503 with
 * Retry-After instead of letting a queue grow without bound.
 */
final class Lanes {
  private final ThreadPoolExecutor[] lanes;
  private final AtomicInteger next = new AtomicInteger();

  Lanes(int count, int queueCapacity) {
    if (count < 1 || queueCapacity < 1) {
      throw new IllegalArgumentException("need at least one worker and a queue of at least 1, got " + count
          + " workers and queue " + queueCapacity);
    }
    lanes = new ThreadPoolExecutor[count];
    for (int i = 0; i < count; i++) {
      String name = "sequent-lane-" + i;
      lanes[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueCapacity),
          r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
          }, new ThreadPoolExecutor.AbortPolicy());
      lanes[i].prestartAllCoreThreads();
    }
  }

  int count() {
    return lanes.length;
  }

  /** The lane of a user: a fixed function of the id. */
  int laneOf(String userId) {
    int h = userId.hashCode() * 0x9E3779B9; // spread the bits of similar ids
    return Math.floorMod(h ^ (h >>> 16), lanes.length);
  }

  /** The lane with the fewest queued tasks (round-robin among equals). */
  int leastLoaded() {
    int start = Math.floorMod(next.getAndIncrement(), lanes.length);
    int best = start;
    int bestDepth = Integer.MAX_VALUE;
    for (int i = 0; i < lanes.length; i++) {
      int lane = (start + i) % lanes.length;
      int depth = lanes[lane].getQueue().size() + lanes[lane].getActiveCount();
      if (depth < bestDepth) {
        best = lane;
        bestDepth = depth;
      }
    }
    return best;
  }

  /** Queues a task on a lane; throws {@link RejectedExecutionException} when its queue is full or closed. */
  void execute(int lane, Runnable task) {
    lanes[lane].execute(task);
  }

  /** Tasks waiting in all queues. */
  int queued() {
    int n = 0;
    for (ThreadPoolExecutor lane : lanes) {
      n += lane.getQueue().size();
    }
    return n;
  }

  /** Stops taking tasks and waits for the queued ones to finish; true if all finished in time. */
  boolean drain(long timeoutMillis) throws InterruptedException {
    for (ThreadPoolExecutor lane : lanes) {
      lane.shutdown();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    boolean all = true;
    for (ThreadPoolExecutor lane : lanes) {
      long left = deadline - System.nanoTime();
      all &= lane.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS);
    }
    return all;
  }
}
