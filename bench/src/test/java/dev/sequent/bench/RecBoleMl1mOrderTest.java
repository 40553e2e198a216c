package dev.sequent.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sequent.bench.RecBoleMl1mOrder.Rating;
import dev.sequent.core.data.DataFormatException;
import dev.sequent.core.data.DataSource;
import dev.sequent.core.data.InteractionFormat;
import dev.sequent.core.data.PreprocessConfig;
import dev.sequent.core.data.SequenceDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecBoleMl1mOrderTest {
  // As floats, 978300719 and 978300760 both become 978300736 (a step of 64 s); 978300769 becomes 978300800.
  private static final List<Rating> CHRONOLOGICAL =
      List.of(new Rating(10, 978300719L), new Rating(20, 978300760L), new Rating(30, 978300769L));

  @Test
  void timestampsAreComparedAsFloats() {
    assertEquals(978300736f, (float) 978300719L);
    assertEquals(978300736f, (float) 978300760L);
    assertEquals(978300800f, (float) 978300769L);
  }

  @Test
  void ratingsInOneFloatStepKeepTheUsersFileOrder() {
    List<Rating> fileOrder = List.of(CHRONOLOGICAL.get(1), CHRONOLOGICAL.get(2), CHRONOLOGICAL.get(0));
    assertEquals(List.of(20, 10, 30), movies(RecBoleMl1mOrder.recBoleOrder(CHRONOLOGICAL, fileOrder, Map.of())));
  }

  @Test
  void withoutTheUsersFileTheEstimatedMovieOrderBreaksTies() {
    assertEquals(List.of(20, 10, 30),
        movies(RecBoleMl1mOrder.recBoleOrder(CHRONOLOGICAL, null, Map.of(10, 0.9, 20, 0.1))));
    // A movie without an estimate counts as 0.5, so 20 follows 10 (0.4) within their step.
    assertEquals(List.of(10, 20, 30),
        movies(RecBoleMl1mOrder.recBoleOrder(CHRONOLOGICAL, null, Map.of(10, 0.4))));
  }

  @Test
  void movieOrderIsTheMeanRelativePosition() {
    Map<Integer, List<Rating>> lists = new LinkedHashMap<>();
    lists.put(1, List.of(new Rating(7, 0), new Rating(8, 0)));                     // 7: 0.25, 8: 0.75
    lists.put(2, List.of(new Rating(8, 0), new Rating(7, 0), new Rating(9, 0)));   // 8: 1/6, 7: 1/2, 9: 5/6
    Map<Integer, Double> order = RecBoleMl1mOrder.movieOrder(lists);
    assertEquals(0.375, order.get(7), 1e-12);
    assertEquals((0.75 + 1.0 / 6) / 2, order.get(8), 1e-12);
    assertEquals(5.0 / 6, order.get(9), 1e-12);
  }

  @Test
  void readsBothFormatsAndNamesTheBadLine(@TempDir Path tmp) throws IOException {
    Path dat = Files.writeString(tmp.resolve("ratings.dat"), "1::1193::5::978300760\n1::661::3::978302109\n");
    assertEquals(List.of(new Rating(1193, 978300760L), new Rating(661, 978302109L)),
        RecBoleMl1mOrder.read(dat, InteractionFormat.groupLens()).get(1));
    Path tsv = Files.writeString(tmp.resolve("core.tsv"), "2\t48\t978824351\n2\t49\tsoon\n");
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> RecBoleMl1mOrder.read(tsv, InteractionFormat.tsv3()));
    assertTrue(e.getMessage().contains("core.tsv:2") && e.getMessage().contains("2\t49\tsoon"), e.getMessage());
  }

  /**
   * On the real ratings.dat rows of users 1–2999: the builder's order equals what the core's {@code recbole}
   * tie rule makes of the same file, and it differs from the clock where the class comment says.
   */
  @Test
  void realRatingsFollowTheRecBoleTieRule() throws IOException {
    Path dir = Path.of("../../shared/data/ml-1m");
    if (!Files.isDirectory(dir)) {
      dir = Path.of("../shared/data/ml-1m");
    }
    assumeTrue(Files.isRegularFile(dir.resolve(RecBoleMl1mOrder.RAW)), "no " + dir + "; skipping a real-data test");
    Map<Integer, List<Rating>> raw =
        RecBoleMl1mOrder.read(dir.resolve(RecBoleMl1mOrder.RAW), InteractionFormat.groupLens());
    Map<Integer, List<Rating>> fiveCore =
        RecBoleMl1mOrder.read(dir.resolve(RecBoleMl1mOrder.FIVE_CORE), InteractionFormat.tsv3());
    SequenceDataset recBole = SequenceDataset.load(DataSource.of(dir.resolve(RecBoleMl1mOrder.RAW),
        InteractionFormat.groupLens()), PreprocessConfig.none().withTieRule(PreprocessConfig.TieRule.RECBOLE));
    int sameStep = 0;
    int pairs = 0;
    int testItemsMoved = 0;
    for (Map.Entry<Integer, List<Rating>> user : raw.entrySet()) {
      List<Rating> core = fiveCore.get(user.getKey());
      List<Rating> ordered = RecBoleMl1mOrder.recBoleOrder(core, user.getValue(), Map.of());
      List<Integer> built = movies(ordered);
      Set<Integer> coreMovies = new HashSet<>(movies(core));
      List<Integer> expected = new ArrayList<>();
      for (int item : recBole.sequence(recBole.users().indexOf(Integer.toString(user.getKey())))) {
        int movie = Integer.parseInt(recBole.items().rawId(item));
        if (coreMovies.contains(movie)) {
          expected.add(movie);
        }
      }
      assertEquals(expected, built, "user " + user.getKey());
      for (int i = 1; i < ordered.size(); i++) {
        sameStep += (float) ordered.get(i).seconds() == (float) ordered.get(i - 1).seconds() ? 1 : 0;
        pairs++;
      }
      testItemsMoved += built.get(built.size() - 1).equals(core.get(core.size() - 1).movie()) ? 0 : 1;
    }
    assertEquals(2_999, raw.size());
    assertEquals(0.72, (double) sameStep / pairs, 0.01);
    assertTrue(testItemsMoved > 1_000, testItemsMoved + " test items differ from the (time, movie id) order");
  }

  private static List<Integer> movies(List<Rating> ratings) {
    return ratings.stream().map(Rating::movie).toList();
  }
}
