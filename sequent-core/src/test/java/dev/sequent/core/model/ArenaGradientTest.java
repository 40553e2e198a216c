package dev.sequent.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sequent.core.data.Padding;
import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.Rng;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model's training step gives bit-identical gradients inside an arena, which recycles gradient arrays
 * as soon as their backward has run, and outside one.
 */
class ArenaGradientTest {
  private static final int ITEMS = 40;
  private static final int LENGTH = 32;

  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of("lrurec", (Supplier<SequenceModel>) () -> LruRecTest.model(ITEMS, 16, 0.2f)),
        Arguments.of("sasrec", (Supplier<SequenceModel>) () -> SasRecTest.model(ITEMS, LENGTH, 0.2f)),
        Arguments.of("bert4rec", (Supplier<SequenceModel>) () -> Bert4RecTest.model(ITEMS, LENGTH, 0.2f, 0.2f, 0f)),
        Arguments.of("gru4rec", (Supplier<SequenceModel>) () -> Gru4RecTest.model(ITEMS, 16, 24, 0.2f)),
        Arguments.of("linrec faithful", (Supplier<SequenceModel>) () -> LinRecTest.model(ITEMS, LENGTH, false, 16, 2,
            0.2f, LinRec.KeyNorm.POSITION)),
        Arguments.of("linrec causal", (Supplier<SequenceModel>) () -> LinRecTest.model(ITEMS, LENGTH, true, 16, 2, 0.2f,
            LinRec.KeyNorm.POSITION)),
        Arguments.of("recgrela faithful", (Supplier<SequenceModel>) () -> RecGrelaTest.model(ITEMS, false, 16, 2,
            0.2f)),
        Arguments.of("recgrela causal", (Supplier<SequenceModel>) () -> RecGrelaTest.model(ITEMS, true, 16, 2, 0.2f)),
        Arguments.of("glintru faithful", (Supplier<SequenceModel>) () -> GlintRuTest.model(ITEMS, false, 16, 0.2f,
            LinRec.KeyNorm.POSITION)),
        Arguments.of("glintru causal", (Supplier<SequenceModel>) () -> GlintRuTest.model(ITEMS, true, 16, 0.2f,
            LinRec.KeyNorm.POSITION)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void gradientsAreTheSameWithTheArena(String name, Supplier<SequenceModel> factory) {
    SequenceModel model = factory.get();
    Rng rng = new Rng(3);
    int rows = 4;
    IntTensor in = ModelTestSupport.randomWindows(rng, rows, LENGTH, ITEMS, model.padding() == Padding.LEFT);
    int[] labels = new int[rows * LENGTH];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = in.data()[i] == 0 ? 0 : 1 + rng.nextInt(ITEMS);
    }
    assertEquals(0.0, ModelTestSupport.arenaGradientMismatch(model, in, new IntTensor(labels, labels.length)), name);
  }
}
