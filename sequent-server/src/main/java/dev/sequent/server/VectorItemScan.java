package dev.sequent.server;

import dev.sequent.core.model.SequenceModel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ItemScan} on the Vector API: a block's scores live in vector registers across the hidden axis.
 * Loaded only when the incubator module is present (see {@link VectorSupport}).
 */
final class VectorItemScan extends ItemScan {
  private static final VectorSpecies<Float> S = pickSpecies();
  private static final int L = S.length();

  VectorItemScan(SequenceModel model) {
    super(model);
  }

  /** The preferred width if it divides a block evenly (it does for 128..512-bit vectors), else 256 bits. */
  private static VectorSpecies<Float> pickSpecies() {
    VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
    return BLOCK % preferred.length() == 0 ? preferred : FloatVector.SPECIES_256;
  }

  @Override
  int nextAbove(float[] s, int from, int to, float threshold) {
    // Most items score below the k-th best so far: test a vector of them at a time.
    int i = from;
    for (; i + L <= to; i += L) {
      if (FloatVector.fromArray(S, s, i).compare(VectorOperators.GT, threshold).anyTrue()) {
        break;
      }
    }
    return super.nextAbove(s, i, to, threshold);
  }

  @Override
  void scoreAll(float[] hidden, float[] out) {
    int blocks = out.length / BLOCK;
    int groups = BLOCK / L;
    if (groups == 8) {
      scoreAll8(hidden, out, blocks);
      return;
    }
    for (int b = 0; b < blocks; b++) {
      for (int g = 0; g < groups; g++) {
        FloatVector acc = FloatVector.zero(S);
        int base = b * dim * BLOCK + g * L;
        for (int k = 0; k < dim; k++) {
          // mul then add (not fma): the same rounding as the scalar reference.
          acc = acc.add(FloatVector.fromArray(S, table, base + k * BLOCK).mul(hidden[k]));
        }
        int o = b * BLOCK + g * L;
        if (hasBias) {
          acc = acc.add(FloatVector.fromArray(S, bias, o));
        }
        acc.intoArray(out, o);
      }
    }
  }

  /** The common case (16-float vectors, 128-item blocks): eight accumulators, unrolled. */
  private void scoreAll8(float[] hidden, float[] out, int blocks) {
    for (int b = 0; b < blocks; b++) {
      FloatVector a0 = FloatVector.zero(S);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      FloatVector a4 = a0;
      FloatVector a5 = a0;
      FloatVector a6 = a0;
      FloatVector a7 = a0;
      int row = b * dim * BLOCK;
      for (int k = 0; k < dim; k++, row += BLOCK) {
        float h = hidden[k];
        a0 = a0.add(FloatVector.fromArray(S, table, row).mul(h));
        a1 = a1.add(FloatVector.fromArray(S, table, row + L).mul(h));
        a2 = a2.add(FloatVector.fromArray(S, table, row + 2 * L).mul(h));
        a3 = a3.add(FloatVector.fromArray(S, table, row + 3 * L).mul(h));
        a4 = a4.add(FloatVector.fromArray(S, table, row + 4 * L).mul(h));
        a5 = a5.add(FloatVector.fromArray(S, table, row + 5 * L).mul(h));
        a6 = a6.add(FloatVector.fromArray(S, table, row + 6 * L).mul(h));
        a7 = a7.add(FloatVector.fromArray(S, table, row + 7 * L).mul(h));
      }
      int o = b * BLOCK;
      if (hasBias) {
        a0 = a0.add(FloatVector.fromArray(S, bias, o));
        a1 = a1.add(FloatVector.fromArray(S, bias, o + L));
        a2 = a2.add(FloatVector.fromArray(S, bias, o + 2 * L));
        a3 = a3.add(FloatVector.fromArray(S, bias, o + 3 * L));
        a4 = a4.add(FloatVector.fromArray(S, bias, o + 4 * L));
        a5 = a5.add(FloatVector.fromArray(S, bias, o + 5 * L));
        a6 = a6.add(FloatVector.fromArray(S, bias, o + 6 * L));
        a7 = a7.add(FloatVector.fromArray(S, bias, o + 7 * L));
      }
      a0.intoArray(out, o);
      a1.intoArray(out, o + L);
      a2.intoArray(out, o + 2 * L);
      a3.intoArray(out, o + 3 * L);
      a4.intoArray(out, o + 4 * L);
      a5.intoArray(out, o + 5 * L);
      a6.intoArray(out, o + 6 * L);
      a7.intoArray(out, o + 7 * L);
    }
  }
}
