package dev.sequent.core.data;

import java.util.List;

/**
 * What a reader saw: how many lines, how many interactions, and how many malformed lines were
 * skipped (only non-zero with {@link ReadOptions#skipMalformedLines()}).
 *
 * @param files the files read, in order
 * @param linesRead all lines, including headers and blank lines
 * @param interactions interactions produced
 * @param skippedLines malformed lines that were skipped
 * @param skippedExamples "file:line: problem" of the first few skipped lines (at most 5)
 */
public record ReadReport(
    List<String> files,
    long linesRead,
    long interactions,
    long skippedLines,
    List<String> skippedExamples) {

  public ReadReport {
    files = List.copyOf(files);
    skippedExamples = List.copyOf(skippedExamples);
  }

  public String describe() {
    String text = "read " + interactions + " interactions from " + linesRead + " lines of " + files;
    if (skippedLines > 0) {
      text += "; skipped " + skippedLines + " malformed lines, e.g. " + skippedExamples;
    }
    return text;
  }
}
