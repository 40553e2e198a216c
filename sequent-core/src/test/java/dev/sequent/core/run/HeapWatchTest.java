package dev.sequent.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapWatchTest {

  @Test
  void seesLiveDataThatSurvivesACollection() {
    try (HeapWatch watch = new HeapWatch()) {
      long[] live = new long[16 << 20]; // 128 MB kept alive across the collection
      live[live.length - 1] = 1;
      System.gc();
      // Notifications arrive on a JMX thread shortly after the collection.
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (watch.peakAfterGc() < 128L << 20 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertTrue(watch.peakAfterGc() >= 128L << 20, "peak after GC " + watch.peakAfterGc());
      assertTrue(HeapWatch.poolPeaks() >= watch.peakAfterGc(), "pool peaks bound the live peak");
      assertEquals(1, live[live.length - 1]);
    }
  }
}
