package dev.sequent.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.core.infer.Recommender;
import dev.sequent.core.model.LruRec;
import dev.sequent.core.model.SequenceModel;
import dev.sequent.tensor.Tensor;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ItemScanTest {

  private static void assertSameAsRecommender(SequenceModel model, ItemScan scan, float[] hidden, int k,
                                              int[] excluded) {
    Recommender r = new Recommender(model, 10, Fixtures.rawIds(model.numItems()));
    Set<Integer> ex = IntStream.of(excluded).boxed().collect(java.util.stream.Collectors.toSet());
    List<Recommender.Scored> expected = r.topK(hidden, k, ex::contains);
    ItemScan.TopK actual = scan.topK(hidden, k, UserState.sortedUnique(excluded));
    assertArrayEquals(expected.stream().mapToInt(Recommender.Scored::item).toArray(), actual.items());
    for (int i = 0; i < expected.size(); i++) {
      // Bit for bit: the same operations in the same order as the core scorer.
      assertEquals(Float.floatToIntBits(expected.get(i).score()), Float.floatToIntBits(actual.scores()[i]),
          "score of rank " + i);
    }
  }

  @Test
  void equalsTheCoreTopKBitForBitWithAndWithoutTheVectorApi() {
    // 130 items: a full block and a ragged one.
    LruRec model = Fixtures.perturbed(new LruRec(LruRec.Config.defaults(130)), 3);
    Random rnd = new Random(5);
    for (ItemScan scan : new ItemScan[] {ItemScan.of(model), new ItemScan.ScalarItemScan(model)}) {
      for (int trial = 0; trial < 20; trial++) {
        float[] hidden = new float[model.dim()];
        for (int i = 0; i < hidden.length; i++) {
          hidden[i] = (float) rnd.nextGaussian();
        }
        int[] excluded = rnd.ints(trial % 5, 1, 131).toArray();
        int k = 1 + rnd.nextInt(20);
        assertSameAsRecommender(model, scan, hidden, k, excluded);
      }
      // k larger than the catalogue: everything not excluded, ranked.
      float[] hidden = new float[model.dim()];
      hidden[0] = 1f;
      assertSameAsRecommender(model, scan, hidden, 500, new int[] {1, 2, 3});
      assertEquals(127, scan.topK(hidden, 500, new int[] {1, 2, 3}).size());
    }
  }

  @Test
  void tiesGoToTheSmallerItemLikeTheCoreRanking() {
    LruRec model = new LruRec(LruRec.Config.defaults(100));
    // Every item gets the same embedding and bias: all scores tie.
    Tensor e = model.itemEmbeddings();
    java.util.Arrays.fill(e.data(), e.offset(), e.offset() + e.size(), 0.5f);
    Tensor b = model.itemBias();
    java.util.Arrays.fill(b.data(), b.offset(), b.offset() + b.size(), 0.25f);
    float[] hidden = new float[model.dim()];
    java.util.Arrays.fill(hidden, 1f);
    for (ItemScan scan : new ItemScan[] {ItemScan.of(model), new ItemScan.ScalarItemScan(model)}) {
      ItemScan.TopK top = scan.topK(hidden, 5, new int[] {2});
      assertArrayEquals(new int[] {1, 3, 4, 5, 6}, top.items());
      assertSameAsRecommender(model, scan, hidden, 5, new int[] {2});
    }
  }

  @Test
  void reportsWhichImplementationRuns() {
    // Surefire adds the Vector API module (see the parent pom), so the vector scan is the one in use.
    LruRec model = new LruRec(LruRec.Config.defaults(10));
    assertTrue(ItemScan.of(model) instanceof VectorItemScan == VectorSupport.AVAILABLE);
  }
}
