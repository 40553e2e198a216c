package dev.sequent.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.bench.RecBoleMl1mOrder.Rating;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        RecBoleMl1mOrder.read(dat, "::").get(1));
    Path tsv = Files.writeString(tmp.resolve("core.tsv"), "2\t48\t978824351\n2\tx\t1\n");
    IOException e = assertThrows(IOException.class, () -> RecBoleMl1mOrder.read(tsv, "\t"));
    assertTrue(e.getMessage().contains("core.tsv:2") && e.getMessage().contains("2\tx\t1"), e.getMessage());
  }

  private static List<Integer> movies(List<Rating> ratings) {
    return ratings.stream().map(Rating::movie).toList();
  }
}
