package dev.sequent.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetCacheTest {
  @TempDir Path temp;
  private Path source;
  private Path cache;
  private DataSource dataSource;

  @BeforeEach
  void writeSource() throws IOException {
    source = temp.resolve("interactions.tsv");
    Files.writeString(source, "1\t10\t100\n1\t20\t90\n2\t10\t50\n2\t30\t60\n2\t10\t70\n3\tx\t1\n");
    cache = temp.resolve("cache").resolve("interactions.bin");
    dataSource = DataSource.of(source, InteractionFormat.tsv3());
  }

  private static void assertSameDataset(SequenceDataset expected, SequenceDataset actual) {
    assertEquals(expected.users(), actual.users());
    assertEquals(expected.items(), actual.items());
    assertArrayEquals(expected.flatItems(), actual.flatItems());
    for (int u = 0; u < expected.numUsers(); u++) {
      assertEquals(expected.length(u), actual.length(u));
      for (int i = 0; i < expected.length(u); i++) {
        assertEquals(expected.timestamp(u, i), actual.timestamp(u, i));
      }
    }
    assertEquals(expected.config(), actual.config());
    assertEquals(expected.readReport(), actual.readReport());
    assertEquals(expected.preprocessReport(), actual.preprocessReport());
    assertEquals(expected.fingerprint(), actual.fingerprint());
    assertEquals(expected.source(), actual.source());
  }

  @Test
  void buildsThenReloadsTheSameDataset() throws IOException {
    PreprocessConfig config = PreprocessConfig.none().withDropImmediateRepeats(true);
    DatasetCache.Result first = DatasetCache.loadOrBuild(dataSource, config, cache);
    assertFalse(first.fromCache());
    assertTrue(first.note().contains("no cache file"), first.note());
    assertTrue(Files.isRegularFile(cache));

    DatasetCache.Result second = DatasetCache.loadOrBuild(dataSource, config, cache);
    assertTrue(second.fromCache(), second.note());
    assertSameDataset(first.dataset(), second.dataset());
    assertEquals(SequenceDataset.load(dataSource, config).fingerprint(), second.dataset().fingerprint());
    // user 2: 10(50) 30(60) 10(70); no immediate repeat
    assertArrayEquals(new int[] {1, 3, 1}, second.dataset().sequence(1));
    assertEquals("x", second.dataset().items().rawId(4));
  }

  @Test
  void changedSourceMakesTheCacheStale() throws IOException {
    PreprocessConfig config = PreprocessConfig.none();
    DatasetCache.loadOrBuild(dataSource, config, cache);
    Files.writeString(source, "4\t40\t1\n", java.nio.file.StandardOpenOption.APPEND);
    DatasetCache.Result result = DatasetCache.loadOrBuild(dataSource, config, cache);
    assertFalse(result.fromCache());
    assertTrue(result.note().contains("stale"), result.note());
    assertEquals(4, result.dataset().numUsers());
    assertTrue(DatasetCache.loadOrBuild(dataSource, config, cache).fromCache());
  }

  @Test
  void changedSettingsMakeTheCacheStale() throws IOException {
    DatasetCache.loadOrBuild(dataSource, PreprocessConfig.none(), cache);
    DatasetCache.Result result =
        DatasetCache.loadOrBuild(dataSource, PreprocessConfig.none().withKCore(2, 1), cache);
    assertFalse(result.fromCache());
    assertEquals(2, result.dataset().numUsers()); // user 3 has one interaction
    DatasetCache.Result lenient =
        DatasetCache.loadOrBuild(
            dataSource.withOptions(ReadOptions.skippingMalformedLines()),
            PreprocessConfig.none().withKCore(2, 1),
            cache);
    assertFalse(lenient.fromCache(), "read options are part of the fingerprint");
    assertNotEquals(
        DatasetCache.fingerprint(dataSource, PreprocessConfig.none()),
        DatasetCache.fingerprint(dataSource, PreprocessConfig.none().withTieRule(PreprocessConfig.TieRule.ITEM_ID)));
  }

  @Test
  void corruptOrForeignCacheIsRebuilt() throws IOException {
    PreprocessConfig config = PreprocessConfig.none();
    DatasetCache.loadOrBuild(dataSource, config, cache);
    byte[] bytes = Files.readAllBytes(cache);
    Files.write(cache, java.util.Arrays.copyOf(bytes, bytes.length - 9));
    DatasetCache.Result truncated = DatasetCache.loadOrBuild(dataSource, config, cache);
    assertFalse(truncated.fromCache());
    assertTrue(truncated.note().contains("unreadable"), truncated.note());
    assertTrue(DatasetCache.loadOrBuild(dataSource, config, cache).fromCache());

    Files.writeString(cache, "hello");
    DatasetCache.Result foreign = DatasetCache.loadOrBuild(dataSource, config, cache);
    assertFalse(foreign.fromCache());
    assertThrows(IOException.class, () -> DatasetCache.read(source));
  }

  @Test
  void writesLeaveNoTemporaryFiles() throws IOException {
    PreprocessConfig config = PreprocessConfig.none();
    DatasetCache.loadOrBuild(dataSource, config, cache);
    DatasetCache.loadOrBuild(dataSource, config.withKCore(2, 1), cache); // replaces the file
    try (Stream<Path> files = Files.list(cache.getParent())) {
      assertEquals(List.of(cache.getFileName().toString()), files.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void datasetsWithoutTimestampsRoundTrip() throws IOException {
    SequenceDataset dataset = Fixtures.dataset(4, new int[][] {{1, 2}, {}, {4, 3, 4}});
    DatasetCache.write(dataset, cache);
    SequenceDataset back = DatasetCache.read(cache);
    assertFalse(back.hasTimestamps());
    assertArrayEquals(new int[] {4, 3, 4}, back.sequence(2));
    assertEquals(0, back.length(1));
    assertEquals(dataset.items(), back.items());
  }
}
