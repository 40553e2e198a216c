package dev.sequent.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Published statistics of the shared datasets (data/README.md, models.md §2.6). Skipped with a
 * message when the shared folder is absent; the data is never copied into the repository.
 */
class RealDataTest {
  @TempDir Path temp;

  private static SequenceDataset load(String file, InteractionFormat format, PreprocessConfig config)
      throws IOException {
    return SequenceDataset.load(DataSource.of(SharedData.dataFile(file), format), config);
  }

  private static void assertCounts(SequenceDataset dataset, int users, int items, int interactions) {
    assertEquals(users, dataset.numUsers(), "users");
    assertEquals(items, dataset.numItems(), "items");
    assertEquals(interactions, dataset.numInteractions(), "interactions");
  }

  @Test
  void movieLens1mFiveCoreWithRecBolePrefixSamples() throws IOException {
    SequenceDataset dataset =
        load("ml-1m/ml-1m_5core_timestamps.tsv.gz", InteractionFormat.tsv3(), PreprocessConfig.none());
    assertCounts(dataset, 6_040, 3_416, 999_611);
    Split split = Split.leaveOneOut(dataset);
    assertEquals(981_491, PrefixSamples.training(split, 50, Padding.RIGHT).size());
    assertEquals(6_040, PrefixSamples.evaluation(split.validation(), 50, Padding.RIGHT).size());
    assertEquals(6_040, PrefixSamples.evaluation(split.test(), 50, Padding.RIGHT).size());
    assertEquals(0, split.test().skippedUsers());
    // The file is sorted by (timestamp, movieId): LRURec's preprocessing changes nothing here.
    SequenceDataset lru =
        load("ml-1m/ml-1m_5core_timestamps.tsv.gz", InteractionFormat.tsv3(), PreprocessConfig.lruRec());
    assertArrayEquals(dataset.flatItems(), lru.flatItems());
    assertEquals(0, lru.preprocessReport().repeatsDropped());
  }

  @Test
  void movieLens1mCacheRoundTrip() throws IOException {
    DataSource source =
        DataSource.of(SharedData.dataFile("ml-1m/ml-1m_5core_timestamps.tsv.gz"), InteractionFormat.tsv3());
    Path cache = temp.resolve("ml-1m.bin");
    DatasetCache.Result built = DatasetCache.loadOrBuild(source, PreprocessConfig.lruRec(), cache);
    DatasetCache.Result cached = DatasetCache.loadOrBuild(source, PreprocessConfig.lruRec(), cache);
    assertTrue(cached.fromCache(), cached.note());
    assertArrayEquals(built.dataset().flatItems(), cached.dataset().flatItems());
    assertEquals(built.dataset().users(), cached.dataset().users());
    assertEquals(built.dataset().items(), cached.dataset().items());
    assertEquals(978300019L, cached.dataset().timestamp(0, 0));
  }

  @Test
  void sasRecMovieLens1mPairs() throws IOException {
    SequenceDataset dataset =
        load("ml-1m/sasrec/ml-1m.txt.gz", InteractionFormat.sasRecPairs(), PreprocessConfig.none());
    assertCounts(dataset, 6_040, 3_416, 999_611);
    // SASRec files are already 1..N: numeric raw-id order keeps the ids.
    assertEquals("1", dataset.items().rawId(1));
    assertEquals("3416", dataset.items().rawId(3416));
  }

  /**
   * SASRec sorts each user's ratings by timestamp with a stable sort, so ratings in the same second keep
   * their order in ratings.dat (checked here for the users whose raw ratings are available); the 5-core
   * timestamp file orders them by movie id instead. (RecBole's order differs from both: it compares the
   * timestamps as floats, see {@link PreprocessConfig.TieRule#RECBOLE}.)
   */
  @Test
  void sasRecMovieLens1mKeepsTheRatingsDatOrderOfSameSecondRatings() throws IOException {
    SequenceDataset raw =
        load("ml-1m/ratings_users_0001-2999_PARTIAL.dat.gz", InteractionFormat.groupLens(), PreprocessConfig.none());
    SequenceDataset sas =
        load("ml-1m/sasrec/ml-1m.txt.gz", InteractionFormat.sasRecPairs(), PreprocessConfig.none());
    SequenceDataset byMovieId =
        load("ml-1m/ml-1m_5core_timestamps.tsv.gz", InteractionFormat.tsv3(), PreprocessConfig.none());
    Map<String, String> sasUser = readMapping("ml-1m/sasrec/sas_to_original_users.txt");
    Map<String, String> sasItem = readMapping("ml-1m/sasrec/sas_to_original_items.txt");
    int compared = 0;
    int differentByMovieId = 0;
    for (int u = 0; u < sas.numUsers(); u++) {
      String user = sasUser.get(sas.users().rawId(u));
      int rawUser = raw.users().indexOf(user);
      if (rawUser < 0) {
        continue;
      }
      List<String> expected = new ArrayList<>();
      for (int item : raw.sequence(rawUser)) {
        String movie = raw.items().rawId(item);
        if (byMovieId.items().indexOf(movie) >= 0) {
          expected.add(movie);
        }
      }
      List<String> sasOrder = new ArrayList<>();
      for (int item : sas.sequence(u)) {
        sasOrder.add(sasItem.get(sas.items().rawId(item)));
      }
      assertEquals(expected, sasOrder, "user " + user);
      List<String> movieIdOrder = new ArrayList<>();
      for (int item : byMovieId.sequence(byMovieId.users().indexOf(user))) {
        movieIdOrder.add(byMovieId.items().rawId(item));
      }
      differentByMovieId += movieIdOrder.equals(expected) ? 0 : 1;
      compared++;
    }
    assertEquals(2_999, compared);
    assertTrue(differentByMovieId > 2_500, differentByMovieId + " users differ");
  }

  private static Map<String, String> readMapping(String file) throws IOException {
    Map<String, String> map = new HashMap<>();
    for (String line : Files.readAllLines(SharedData.dataFile(file))) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2) {
        map.put(parts[0], parts[1]);
      }
    }
    return map;
  }

  @Test
  void sasRecBeautyAfterDroppingImmediateRepeats() throws IOException {
    SequenceDataset dataset =
        load(
            "amazon-beauty/sasrec/Beauty.txt.gz",
            InteractionFormat.sasRecPairs(),
            PreprocessConfig.none().withDropImmediateRepeats(true));
    assertCounts(dataset, 52_204, 57_289, 394_908);
    // models.md §2.6: 1,706 users have fewer than 3 items and are only trained on.
    Split split = Split.leaveOneOut(dataset);
    assertEquals(1_706, split.test().skippedUsers());
    assertEquals(52_204 - 1_706, split.test().size());
  }

  @Test
  void movieLensLatestSmallWithTitles() throws IOException {
    SequenceDataset dataset =
        load(
            "ml-latest-small/ratings.csv",
            InteractionFormat.csv(ColumnMapping.byName("userId", "movieId", "timestamp", "rating")),
            PreprocessConfig.none());
    assertCounts(dataset, 610, 9_724, 100_836);
    ItemTitles titles = ItemTitles.read(SharedData.dataFile("ml-latest-small/movies.csv"));
    assertEquals(9_742, titles.size());
    assertEquals("Toy Story (1995)", titles.describe(dataset.items().indexOf("1"), dataset.items()));
    for (int item = 1; item <= dataset.numItems(); item++) {
      assertTrue(titles.title(dataset.items().rawId(item)) != null, "every rated movie has a title");
    }
    SequenceDataset liked =
        load(
            "ml-latest-small/ratings.csv",
            InteractionFormat.csv(ColumnMapping.byName("userId", "movieId", "timestamp", "rating")),
            PreprocessConfig.none().withMinRating(4.0));
    assertTrue(liked.numInteractions() < 100_836);
    assertTrue(liked.numInteractions() > 40_000);
  }

  @Test
  void movieLens100kRawAndRecBoleAgree() throws IOException {
    SequenceDataset raw = load("ml-100k/raw/u.data", InteractionFormat.ml100k(), PreprocessConfig.none());
    SequenceDataset recBole =
        load("ml-100k/recbole/ml-100k.inter", InteractionFormat.recBole(), PreprocessConfig.none());
    assertCounts(raw, 943, 1_682, 100_000);
    assertArrayEquals(raw.flatItems(), recBole.flatItems());
    assertEquals(raw.users(), recBole.users());
  }

  @Test
  void movieLens1mRawRatingsAndTitles() throws IOException {
    SequenceDataset partial =
        load(
            "ml-1m/ratings_users_0001-2999_PARTIAL.dat.gz",
            InteractionFormat.groupLens(),
            PreprocessConfig.none());
    assertCounts(partial, 2_999, 3_615, 487_650);
    ItemTitles titles = ItemTitles.read(SharedData.dataFile("ml-1m/movies.dat"));
    assertEquals(3_883, titles.size());
    assertEquals("Toy Story (1995)", titles.title("1"));
  }

  @Test
  void userSequencesOfS3RecBeauty() throws IOException {
    SequenceDataset dataset =
        load("amazon-beauty/s3rec/Beauty.txt", InteractionFormat.userSequences(), PreprocessConfig.none());
    assertCounts(dataset, 22_363, 12_101, 198_502);
    // Already 5-core: the iterative filter removes nothing.
    SequenceDataset filtered =
        load("amazon-beauty/s3rec/Beauty.txt", InteractionFormat.userSequences(), PreprocessConfig.kCore(5));
    assertEquals(198_502, filtered.numInteractions());
    assertEquals(Map.of("filter", "k-core"), Map.of("filter", filtered.config().toMap().get("filter")));
  }
}
