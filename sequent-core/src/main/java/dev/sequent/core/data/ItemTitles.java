package dev.sequent.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Item titles by raw item id, for showing recommendations to people. Optional: nothing else in the
 * pipeline needs them.
 *
 * <p>Three layouts are read (gzip allowed, see {@link TextFiles}):
 *
 * <ul>
 *   <li>GroupLens {@code movies.dat}: {@code id::title::genres}, ISO-8859-1;
 *   <li>ml-latest {@code movies.csv}: a header with {@code movieId} and {@code title} columns,
 *       RFC-4180 quoting (titles contain commas), UTF-8;
 *   <li>{@code item TAB title}, UTF-8, no header.
 * </ul>
 */
public final class ItemTitles {
  private final Map<String, String> titles;
  private final long skippedLines;

  private ItemTitles(Map<String, String> titles, long skippedLines) {
    this.titles = titles;
    this.skippedLines = skippedLines;
  }

  /**
   * Reads titles, choosing the layout by the file name: {@code .dat} is GroupLens, {@code .csv} is
   * ml-latest, anything else is {@code item TAB title} (a {@code .gz} suffix is ignored).
   */
  public static ItemTitles read(Path file, ReadOptions options) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".gz")) {
      name = name.substring(0, name.length() - 3);
    }
    if (name.endsWith(".dat")) {
      return readGroupLens(file, options);
    }
    if (name.endsWith(".csv")) {
      return readMoviesCsv(file, options);
    }
    return readTabSeparated(file, options);
  }

  public static ItemTitles read(Path file) throws IOException {
    return read(file, ReadOptions.strict());
  }

  /** GroupLens {@code movies.dat}: {@code id::title::genres} in ISO-8859-1. */
  public static ItemTitles readGroupLens(Path file, ReadOptions options) throws IOException {
    Map<String, String> titles = new HashMap<>();
    long skipped = 0;
    try (BufferedReader reader = TextFiles.open(file, StandardCharsets.ISO_8859_1)) {
      String line;
      long number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        line = TextFiles.stripCarriageReturn(line);
        if (line.isBlank()) {
          continue;
        }
        List<String> fields = InteractionReader.splitOn(line, "::");
        if (fields.size() < 2 || fields.get(0).isBlank()) {
          skipped += reject(options, file, number, line, "expected id::title::genres");
          continue;
        }
        titles.put(fields.get(0).trim(), fields.get(1));
      }
    }
    return new ItemTitles(titles, skipped);
  }

  /** ml-latest {@code movies.csv}: header with {@code movieId} and {@code title}, RFC 4180. */
  public static ItemTitles readMoviesCsv(Path file, ReadOptions options) throws IOException {
    Map<String, String> titles = new HashMap<>();
    long skipped = 0;
    try (BufferedReader reader = TextFiles.open(file, StandardCharsets.UTF_8)) {
      CsvRecords records = new CsvRecords(reader, file, ',');
      List<String> header = records.next();
      if (header == null) {
        return new ItemTitles(titles, 0);
      }
      int[] positions =
          ColumnMapping.byName("movieId", "title", null, null)
              .resolve(header, file, records.lineNumber(), records.recordText());
      int needed = Math.max(positions[0], positions[1]) + 1;
      List<String> fields;
      while ((fields = records.next()) != null) {
        if (records.recordText().isBlank()) {
          continue;
        }
        if (fields.size() < needed || fields.get(positions[0]).isBlank()) {
          skipped +=
              reject(
                  options,
                  file,
                  records.lineNumber(),
                  records.recordText(),
                  "expected at least " + needed + " fields with a movieId");
          continue;
        }
        titles.put(fields.get(positions[0]).trim(), fields.get(positions[1]));
      }
    }
    return new ItemTitles(titles, skipped);
  }

  /** {@code item TAB title}, UTF-8, no header. */
  public static ItemTitles readTabSeparated(Path file, ReadOptions options) throws IOException {
    Map<String, String> titles = new HashMap<>();
    long skipped = 0;
    try (BufferedReader reader = TextFiles.open(file, StandardCharsets.UTF_8)) {
      String line;
      long number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        line = TextFiles.stripCarriageReturn(line);
        if (line.isBlank()) {
          continue;
        }
        int tab = line.indexOf('\t');
        if (tab <= 0) {
          skipped += reject(options, file, number, line, "expected item<TAB>title");
          continue;
        }
        titles.put(line.substring(0, tab).trim(), line.substring(tab + 1));
      }
    }
    return new ItemTitles(titles, skipped);
  }

  private static long reject(
      ReadOptions options, Path file, long line, String text, String problem) {
    if (!options.skipMalformedLines()) {
      throw new DataFormatException(file, line, text, problem);
    }
    return 1;
  }

  /** The title of a raw item id, or null when unknown. */
  public String title(String rawItemId) {
    return titles.get(rawItemId);
  }

  /** The title of a dense item id of {@code items}, or the raw id in brackets when unknown. */
  public String describe(int itemIndex, Vocabulary items) {
    String raw = items.rawId(itemIndex);
    String title = titles.get(raw);
    return title == null ? "[" + raw + "]" : title;
  }

  public int size() {
    return titles.size();
  }

  /** Malformed lines skipped while reading (only with {@link ReadOptions#skipMalformedLines()}). */
  public long skippedLines() {
    return skippedLines;
  }
}
