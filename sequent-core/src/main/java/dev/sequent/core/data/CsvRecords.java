package dev.sequent.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RFC-4180 records: fields separated by a delimiter, optionally enclosed in double quotes;
 * inside quotes the delimiter and line breaks are literal and {@code ""} is one quote. A quoted
 * field may span lines, so one record can cover several physical lines; {@link #lineNumber()} is
 * the line where the current record started.
 */
final class CsvRecords {
  private final BufferedReader reader;
  private final Path file;
  private final char delimiter;
  private long physicalLine;
  private long recordLine;
  private String recordText;

  CsvRecords(BufferedReader reader, Path file, char delimiter) {
    this.reader = reader;
    this.file = file;
    this.delimiter = delimiter;
  }

  /** The next record's fields, or null at the end of the file. */
  List<String> next() throws IOException {
    String line = reader.readLine();
    if (line == null) {
      return null;
    }
    physicalLine++;
    recordLine = physicalLine;
    StringBuilder text = new StringBuilder(TextFiles.stripCarriageReturn(line));
    while (true) {
      List<String> fields = split(text);
      if (fields != null) {
        recordText = text.toString();
        return fields;
      }
      // Unbalanced quote: the field continues on the next physical line.
      String more = reader.readLine();
      if (more == null) {
        throw new DataFormatException(
            file, recordLine, text.toString(), "unterminated quoted field at end of file");
      }
      physicalLine++;
      text.append('\n').append(TextFiles.stripCarriageReturn(more));
    }
  }

  long lineNumber() {
    return recordLine;
  }

  long linesRead() {
    return physicalLine;
  }

  String recordText() {
    return recordText;
  }

  /** Splits one record, or returns null when a quoted field is still open at the end. */
  private List<String> split(CharSequence text) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean fieldWasQuoted = false;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < n && text.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == '"' && field.length() == 0 && !fieldWasQuoted) {
        quoted = true;
        fieldWasQuoted = true;
      } else if (c == delimiter) {
        fields.add(field.toString());
        field.setLength(0);
        fieldWasQuoted = false;
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      return null;
    }
    fields.add(field.toString());
    return fields;
  }
}
