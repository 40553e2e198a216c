package dev.sequent.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void aRecycledArrayIsHandedOutAgainInTheSameStepAndStaysPooled() {
    Arena arena = new Arena();
    try (Arena a = arena.open()) {
      float[] gradient = Arena.take(4096, false);
      Arena.recycle(gradient);
      assertSame(gradient, Arena.take(4096, false), "reused within the step");
      float[] other = Arena.take(4096, false);
      Arena.recycle(other);
    }
    assertEquals(2, arena.pooled(), "the taken and the recycled array both stay pooled");
    assertEquals(2L * 4096 * 4, arena.footprintBytes());
  }

  @Test
  void arraysTheArenaDidNotHandOutAreNotRecycled() {
    Arena arena = new Arena();
    try (Arena a = arena.open()) {
      float[] foreign = new float[4096];
      Arena.recycle(foreign);
      Arena.recycle(null);
      assertNotSame(foreign, Arena.take(4096, false));
    }
    assertEquals(1, arena.pooled());
  }

  @Test
  void intermediateGradientsAreRecycledDuringBackward() {
    // y = ((x * 2) * 3) * 4: three intermediates of 2,048 floats. Without recycling the step needs three
    // values and three gradients; with it the gradients of later nodes are reused by earlier ones.
    Tensor x = Tensor.zeros(2048).requiresGrad(true);
    Arena arena = new Arena();
    try (Arena a = arena.open()) {
      x.mul(2f).mul(3f).mul(4f).sum().backward();
    }
    assertEquals(24f, x.grad()[5]);
    assertTrue(arena.pooled() < 6, "pooled " + arena.pooled());
  }
}
