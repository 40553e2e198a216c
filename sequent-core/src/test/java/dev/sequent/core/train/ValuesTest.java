package dev.sequent.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sequent.core.model.LinRec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValuesTest {

  private enum Init { TRUNCATED_NORMAL, STANDARD_NORMAL }

  @Test
  void aChoiceIsTheLowerCaseNameOfAConstant() {
    Values v = new Values(Map.of("init", " standard_normal ", "norm", "sequence"));
    assertEquals(Init.STANDARD_NORMAL, v.choice("init", Init.class));
    assertEquals(LinRec.KeyNorm.SEQUENCE, v.choice("norm", LinRec.KeyNorm.class));
    assertEquals("truncated_normal", Values.label(Init.TRUNCATED_NORMAL));
  }

  @Test
  void anUnknownChoiceNamesTheKeyTheChoicesAndTheValue() {
    Values v = new Values(Map.of("init", "STANDARD_NORMAL", "norm", "column"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.choice("init", Init.class));
    assertEquals("option 'init' must be one of [truncated_normal, standard_normal], got 'STANDARD_NORMAL'",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> v.choice("norm", LinRec.KeyNorm.class));
    assertEquals("option 'norm' must be one of [position, sequence], got 'column'", e.getMessage());
  }
}
