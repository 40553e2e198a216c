package dev.sequent.tensor.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LrScheduleTest {

  @Test
  void constant() {
    LrSchedule s = LrSchedule.constant(1e-3);
    assertEquals(1e-3, s.lr(0));
    assertEquals(1e-3, s.lr(1_000_000));
  }

  /** peak 1, warm-up 10, total 110: up by 0.1 per step to 1 at step 10, then down by 0.01 per step. */
  @Test
  void linearWarmupLinearDecay() {
    LrSchedule s = LrSchedule.linearWarmupLinearDecay(1.0, 10, 110);
    assertEquals(0.0, s.lr(0), 1e-12);
    assertEquals(0.5, s.lr(5), 1e-12);
    assertEquals(1.0, s.lr(10), 1e-12);
    assertEquals(0.5, s.lr(60), 1e-12);
    assertEquals(0.01, s.lr(109), 1e-12);
    assertEquals(0.0, s.lr(110), 1e-12);
    assertEquals(0.0, s.lr(500), 1e-12);
    assertEquals(1.0, LrSchedule.linearWarmupLinearDecay(1.0, 0, 10).lr(0), 1e-12);
  }

  /** After warm-up: ½(1 + cos(π·progress)); progress ¼ → ½(1 + √½) = 0.85355339, ½ → 0.5, 1 → 0. */
  @Test
  void linearWarmupCosine() {
    LrSchedule s = LrSchedule.linearWarmupCosine(1.0, 10, 110);
    assertEquals(0.0, s.lr(0), 1e-12);
    assertEquals(0.5, s.lr(5), 1e-12);
    assertEquals(1.0, s.lr(10), 1e-12);
    assertEquals(0.85355339, s.lr(35), 1e-8);
    assertEquals(0.5, s.lr(60), 1e-12);
    assertEquals(0.0, s.lr(110), 1e-12);
    assertEquals(0.0, s.lr(1000), 1e-12);
    LrSchedule floor = LrSchedule.linearWarmupCosine(1.0, 10, 110, 0.1);
    assertEquals(0.55, floor.lr(60), 1e-12);
    assertEquals(0.1, floor.lr(110), 1e-12);
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> LrSchedule.linearWarmupLinearDecay(1.0, 20, 10));
    assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> LrSchedule.linearWarmupCosine(1.0, 0, 10, 2.0));
  }
}
