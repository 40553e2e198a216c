package dev.sequent.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ArenaTest {

  @Test
  void sizesThatChangeEveryStepDoNotAccumulate() {
    // Like the compacted non-padding rows of a loss: a different size every step. Before, every size stayed
    // pooled forever and a long run ran out of heap.
    Arena arena = new Arena();
    for (int step = 0; step < 50; step++) {
      try (Arena a = arena.open()) {
        Arena.take(2048 + step, false);
        Arena.take(4096, false);
      }
      assertEquals(2, arena.pooled(), "after step " + step);
    }
  }

  @Test
  void aStepReusesThePreviousStepsArraysOfTheSameSize() {
    Arena arena = new Arena();
    float[] first;
    try (Arena a = arena.open()) {
      first = Arena.take(4096, false);
      first[7] = 3f;
    }
    try (Arena a = arena.open()) {
      float[] again = Arena.take(4096, true);
      assertSame(first, again);
      assertEquals(0f, again[7], "zeroed on request");
    }
  }
}
