package dev.sequent.core.data;

import java.nio.file.Path;

/**
 * A line of an input file could not be parsed.
 *
 * <p>The message names the file, the 1-based line number and the offending text, so a user can
 * open the file and fix it. Use {@link ReadOptions#skipMalformedLines()} to skip such lines
 * instead; the readers then count them in {@link ReadReport#skippedLines()}.
 */
public class DataFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_SHOWN_CHARS = 200;

  private final Path file;
  private final long lineNumber;
  private final String lineText;
  private final String problem;

  public DataFormatException(Path file, long lineNumber, String lineText, String problem) {
    super(file + ":" + lineNumber + ": " + problem + " in line \"" + shorten(lineText) + "\"");
    this.file = file;
    this.lineNumber = lineNumber;
    this.lineText = lineText;
    this.problem = problem;
  }

  /** The file that holds the bad line. */
  public Path file() {
    return file;
  }

  /** 1-based line number. */
  public long lineNumber() {
    return lineNumber;
  }

  /** The complete text of the offending line (the message shows at most 200 characters). */
  public String lineText() {
    return lineText;
  }

  /** What is wrong with the line, without the location. */
  public String problem() {
    return problem;
  }

  private static String shorten(String text) {
    if (text == null) {
      return "";
    }
    return text.length() <= MAX_SHOWN_CHARS ? text : text.substring(0, MAX_SHOWN_CHARS) + "…";
  }
}
