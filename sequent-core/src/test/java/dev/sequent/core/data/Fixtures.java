package dev.sequent.core.data;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Test fixtures: resource files and hand-built datasets. */
public final class Fixtures {
  private Fixtures() {}

  /** A file of {@code src/test/resources/fixtures/data}. */
  public static Path resource(String name) {
    try {
      return Path.of(Fixtures.class.getResource("/fixtures/data/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing test resource " + name, e);
    }
  }

  /** Writes a gzip copy of {@code source} to {@code target}. */
  public static Path gzip(Path source, Path target) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(target))) {
      out.write(Files.readAllBytes(source));
    }
    return target;
  }

  /**
   * A dataset whose user u has the given item ids (dense ids equal raw ids: item raw ids are
   * "1".."numItems", user raw ids "u0", "u1", …). Timestamps, when given, per position.
   */
  public static SequenceDataset dataset(int numItems, int[][] sequences, long[][] timestamps) {
    String[] users = new String[sequences.length];
    int[] offsets = new int[sequences.length + 1];
    for (int u = 0; u < sequences.length; u++) {
      users[u] = "u" + u;
      offsets[u + 1] = offsets[u] + sequences[u].length;
    }
    int[] items = new int[offsets[sequences.length]];
    long[] times = timestamps == null ? null : new long[items.length];
    for (int u = 0; u < sequences.length; u++) {
      System.arraycopy(sequences[u], 0, items, offsets[u], sequences[u].length);
      if (times != null) {
        System.arraycopy(timestamps[u], 0, times, offsets[u], sequences[u].length);
      }
    }
    String[] itemIds = new String[numItems];
    for (int i = 0; i < numItems; i++) {
      itemIds[i] = Integer.toString(i + 1);
    }
    return new SequenceDataset(
        Vocabulary.ofUsers(users), Vocabulary.ofItems(itemIds), offsets, items, times);
  }

  public static SequenceDataset dataset(int numItems, int[][] sequences) {
    return dataset(numItems, sequences, null);
  }
}
