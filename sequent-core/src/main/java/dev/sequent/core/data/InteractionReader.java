package dev.sequent.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses interaction files of any {@link InteractionFormat} into {@link RawInteractions}.
 *
 * <p>Blank lines are ignored. Any other line that does not fit the format is malformed: by default
 * it stops reading with a {@link DataFormatException} naming the file, line number and text; with
 * {@link ReadOptions#skipMalformedLines()} it is skipped and counted in the {@link ReadReport}.
 */
public final class InteractionReader {
  private static final int MAX_EXAMPLES = 5;

  private final DataSource source;
  private RawInteractions out;
  private long linesRead;
  private long skipped;
  private final List<String> skippedExamples = new ArrayList<>();

  private InteractionReader(DataSource source) {
    this.source = source;
  }

  /** Reads every file of the source, in order. */
  public static RawInteractions read(DataSource source) throws IOException {
    InteractionReader reader = new InteractionReader(source);
    for (Path file : source.files()) {
      reader.readFile(file);
    }
    if (reader.out == null) {
      reader.out = RawInteractions.create(source.format().hasTimestamps(), false);
    }
    List<String> names = new ArrayList<>();
    for (Path file : source.files()) {
      names.add(file.toString());
    }
    reader.out.setReport(
        new ReadReport(
            names, reader.linesRead, reader.out.size(), reader.skipped, reader.skippedExamples));
    return reader.out;
  }

  /** A line that does not fit the format; turned into an error or a skip by the caller. */
  private static final class BadLine extends Exception {
    private static final long serialVersionUID = 1L;

    BadLine(String problem) {
      super(problem, null, false, false);
    }
  }

  private void readFile(Path file) throws IOException {
    InteractionFormat format = source.format();
    try (BufferedReader reader = TextFiles.open(file, format.charset())) {
      if (format.kind() == InteractionFormat.Kind.DELIMITED && format.quoting()) {
        readQuoted(file, reader);
      } else {
        readLines(file, reader);
      }
    }
  }

  private void readLines(Path file, BufferedReader reader) throws IOException {
    InteractionFormat format = source.format();
    int[] positions = null;
    boolean expectHeader = format.header();
    long lineNumber = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      linesRead++;
      line = TextFiles.stripCarriageReturn(line);
      if (line.isBlank()) {
        continue;
      }
      if (expectHeader) {
        expectHeader = false;
        positions = readHeader(file, lineNumber, line);
        continue;
      }
      if (positions == null && format.kind() == InteractionFormat.Kind.DELIMITED) {
        positions = format.columns().resolve(List.of(), file, lineNumber, line);
        ensureOutput(positions[2] >= 0, positions[3] >= 0, file, lineNumber, line);
      }
      try {
        switch (format.kind()) {
          case DELIMITED, RECBOLE -> parseFields(splitExact(line, format.delimiter()), positions);
          case GROUPLENS -> parseGroupLens(line);
          case PAIRS -> parsePair(line);
          case SEQUENCES -> parseSequence(line);
        }
      } catch (BadLine bad) {
        reject(file, lineNumber, line, bad.getMessage());
      }
    }
  }

  private void readQuoted(Path file, BufferedReader reader) throws IOException {
    CsvRecords records = new CsvRecords(reader, file, source.format().delimiter());
    int[] positions = null;
    boolean expectHeader = source.format().header();
    try {
      List<String> fields;
      while ((fields = records.next()) != null) {
        String text = records.recordText();
        if (text.isBlank()) {
          continue;
        }
        if (expectHeader) {
          expectHeader = false;
          positions = source.format().columns().resolve(fields, file, records.lineNumber(), text);
          ensureOutput(positions[2] >= 0, positions[3] >= 0, file, records.lineNumber(), text);
          continue;
        }
        if (positions == null) {
          positions = source.format().columns().resolve(List.of(), file, 1, text);
          ensureOutput(positions[2] >= 0, positions[3] >= 0, file, 1, text);
        }
        try {
          parseFields(fields, positions);
        } catch (BadLine bad) {
          reject(file, records.lineNumber(), text, bad.getMessage());
        }
      }
    } finally {
      linesRead += records.linesRead();
    }
  }

  /** Parses a header line; returns the column positions {user, item, timestamp, rating}. */
  private int[] readHeader(Path file, long lineNumber, String line) {
    InteractionFormat format = source.format();
    List<String> header = splitExact(line, format.delimiter());
    if (format.kind() == InteractionFormat.Kind.RECBOLE) {
      return readRecBoleHeader(file, lineNumber, line, header);
    }
    int[] positions = format.columns().resolve(header, file, lineNumber, line);
    ensureOutput(positions[2] >= 0, positions[3] >= 0, file, lineNumber, line);
    return positions;
  }

  /**
   * RecBole headers are {@code name:type}. User and item fields are required; timestamp and rating
   * are used when present.
   */
  private int[] readRecBoleHeader(Path file, long lineNumber, String line, List<String> header) {
    List<String> names = new ArrayList<>();
    for (String field : header) {
      int colon = field.indexOf(':');
      if (colon <= 0) {
        throw new DataFormatException(
            file, lineNumber, line, "RecBole header field \"" + field + "\" is not name:type");
      }
      names.add(field.substring(0, colon).trim().toLowerCase(Locale.ROOT));
    }
    ColumnMapping columns = source.format().columns();
    int user = requireField(names, columns.user(), "user", file, lineNumber, line);
    int item = requireField(names, columns.item(), "item", file, lineNumber, line);
    int timestamp = columns.timestamp() == null ? -1 : names.indexOf(lower(columns.timestamp()));
    int rating = columns.rating() == null ? -1 : names.indexOf(lower(columns.rating()));
    ensureOutput(timestamp >= 0, rating >= 0, file, lineNumber, line);
    return new int[] {user, item, timestamp, rating};
  }

  private static int requireField(
      List<String> names, String wanted, String role, Path file, long lineNumber, String line) {
    int index = names.indexOf(lower(wanted));
    if (index < 0) {
      throw new DataFormatException(
          file,
          lineNumber,
          line,
          "the " + role + " field \"" + wanted + "\" is not in the RecBole header; fields: " + names);
    }
    return index;
  }

  private static String lower(String text) {
    return text.toLowerCase(Locale.ROOT);
  }

  /** Creates the output on the first file; later files must have the same optional columns. */
  private void ensureOutput(
      boolean hasTimestamps, boolean hasRatings, Path file, long lineNumber, String line) {
    if (out == null) {
      out = RawInteractions.create(hasTimestamps, hasRatings);
    } else if (out.hasTimestamps() != hasTimestamps || out.hasRatings() != hasRatings) {
      throw new DataFormatException(
          file,
          lineNumber,
          line,
          "this file's columns (timestamp: "
              + hasTimestamps
              + ", rating: "
              + hasRatings
              + ") differ from the first file's (timestamp: "
              + out.hasTimestamps()
              + ", rating: "
              + out.hasRatings()
              + ")");
    }
  }

  private void ensureOutput() {
    if (out == null) {
      InteractionFormat format = source.format();
      out =
          RawInteractions.create(
              format.hasTimestamps(), format.kind() == InteractionFormat.Kind.GROUPLENS);
    }
  }

  private void parseFields(List<String> fields, int[] positions) throws BadLine {
    int needed = 0;
    for (int p : positions) {
      needed = Math.max(needed, p + 1);
    }
    if (fields.size() < needed) {
      throw new BadLine("expected at least " + needed + " fields but found " + fields.size());
    }
    String user = nonEmpty(fields.get(positions[0]).trim(), "user");
    String item = nonEmpty(fields.get(positions[1]).trim(), "item");
    long timestamp = positions[2] >= 0 ? parseTimestamp(fields.get(positions[2]).trim()) : 0L;
    float rating = positions[3] >= 0 ? parseRating(fields.get(positions[3]).trim()) : 0f;
    out.add(user, item, timestamp, rating);
  }

  private void parseGroupLens(String line) throws BadLine {
    ensureOutput();
    List<String> fields = splitOn(line, "::");
    if (fields.size() != 4) {
      throw new BadLine(
          "expected 4 fields UserID::MovieID::Rating::Timestamp but found " + fields.size());
    }
    String user = nonEmpty(fields.get(0).trim(), "user");
    String item = nonEmpty(fields.get(1).trim(), "item");
    float rating = parseRating(fields.get(2).trim());
    long timestamp = parseTimestamp(fields.get(3).trim());
    out.add(user, item, timestamp, rating);
  }

  private void parsePair(String line) throws BadLine {
    ensureOutput();
    List<String> fields = splitWhitespace(line);
    if (fields.size() != 2) {
      throw new BadLine("expected \"user item\" (2 fields) but found " + fields.size());
    }
    out.add(fields.get(0), fields.get(1), 0L, 0f);
  }

  private void parseSequence(String line) throws BadLine {
    ensureOutput();
    List<String> fields = splitWhitespace(line);
    // A user with no items is legal: it simply contributes no interaction.
    for (int i = 1; i < fields.size(); i++) {
      out.add(fields.get(0), fields.get(i), 0L, 0f);
    }
  }

  private static String nonEmpty(String value, String role) throws BadLine {
    if (value.isEmpty()) {
      throw new BadLine("empty " + role + " id");
    }
    return value;
  }

  /**
   * Timestamps are integers (unix seconds or milliseconds). A decimal form such as {@code
   * 881250949.0} (RecBole writes float columns) is accepted when it has no fractional part;
   * fractional timestamps are rejected rather than silently rounded, since rounding could change the
   * order.
   */
  static long parseTimestamp(String text) throws BadLine {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException notAnInteger) {
      try {
        double value = Double.parseDouble(text);
        if (Double.isFinite(value) && value == Math.rint(value) && Math.abs(value) < 9.0e15) {
          return (long) value;
        }
        throw new BadLine("timestamp \"" + text + "\" has a fractional part (not supported)");
      } catch (NumberFormatException e) {
        throw new BadLine("timestamp \"" + text + "\" is not a number");
      }
    }
  }

  static float parseRating(String text) throws BadLine {
    try {
      float value = Float.parseFloat(text);
      if (!Float.isFinite(value)) {
        throw new BadLine("rating \"" + text + "\" is not finite");
      }
      return value;
    } catch (NumberFormatException e) {
      throw new BadLine("rating \"" + text + "\" is not a number");
    }
  }

  private void reject(Path file, long lineNumber, String line, String problem) {
    if (!source.options().skipMalformedLines()) {
      throw new DataFormatException(file, lineNumber, line, problem);
    }
    skipped++;
    if (skippedExamples.size() < MAX_EXAMPLES) {
      skippedExamples.add(file + ":" + lineNumber + ": " + problem);
    }
  }

  static List<String> splitExact(String line, char delimiter) {
    List<String> fields = new ArrayList<>(6);
    int start = 0;
    int at;
    while ((at = line.indexOf(delimiter, start)) >= 0) {
      fields.add(line.substring(start, at));
      start = at + 1;
    }
    fields.add(line.substring(start));
    return fields;
  }

  static List<String> splitOn(String line, String delimiter) {
    List<String> fields = new ArrayList<>(4);
    int start = 0;
    int at;
    while ((at = line.indexOf(delimiter, start)) >= 0) {
      fields.add(line.substring(start, at));
      start = at + delimiter.length();
    }
    fields.add(line.substring(start));
    return fields;
  }

  static List<String> splitWhitespace(String line) {
    List<String> fields = new ArrayList<>();
    int n = line.length();
    int i = 0;
    while (i < n) {
      while (i < n && isSpace(line.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !isSpace(line.charAt(i))) {
        i++;
      }
      if (i > start) {
        fields.add(line.substring(start, i));
      }
    }
    return fields;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }
}
