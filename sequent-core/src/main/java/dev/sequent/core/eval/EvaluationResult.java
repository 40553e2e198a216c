package dev.sequent.core.eval;

import dev.sequent.core.data.AtomicFiles;
import dev.sequent.core.data.EvalSet;
import dev.sequent.core.data.SequenceDataset;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The {@link Metrics} of an evaluation plus every evaluated user's rank, for export. */
public final class EvaluationResult {
  private final Metrics metrics;
  private final EvalSet cases;
  private final int[] ranks;

  EvaluationResult(Metrics metrics, EvalSet cases, int[] ranks) {
    this.metrics = metrics;
    this.cases = cases;
    this.ranks = ranks;
  }

  public Metrics metrics() {
    return metrics;
  }

  /** Number of evaluated cases. */
  public int size() {
    return ranks.length;
  }

  /** The rank (1 = best) of case i's target; case i is {@code cases.user(i)}. */
  public int rank(int caseIndex) {
    return ranks[caseIndex];
  }

  public EvalSet cases() {
    return cases;
  }

  /** Writes {@code user,target,rank} with raw ids, one line per evaluated user (atomic). */
  public void writePerUserCsv(Path file) throws IOException {
    SequenceDataset dataset = cases.dataset();
    AtomicFiles.write(
        file,
        stream -> {
          Writer out = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
          out.write("# " + metrics.stage() + ", protocol " + metrics.protocol() + "\n");
          out.write("user,target,rank\n");
          for (int i = 0; i < ranks.length; i++) {
            out.write(csvField(dataset.users().rawId(cases.user(i))));
            out.write(',');
            out.write(csvField(dataset.items().rawId(cases.target(i))));
            out.write(',');
            out.write(Integer.toString(ranks[i]));
            out.write('\n');
          }
          out.flush();
        });
  }

  /**
   * Writes JSON lines {@code {"user": …, "target": …, "rank": …, "protocol": …}} with raw ids
   * (atomic).
   */
  public void writePerUserJsonLines(Path file) throws IOException {
    SequenceDataset dataset = cases.dataset();
    String protocol = Json.quote(metrics.protocol().name());
    AtomicFiles.write(
        file,
        stream -> {
          Writer out = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
          for (int i = 0; i < ranks.length; i++) {
            out.write("{\"user\": ");
            out.write(Json.quote(dataset.users().rawId(cases.user(i))));
            out.write(", \"target\": ");
            out.write(Json.quote(dataset.items().rawId(cases.target(i))));
            out.write(", \"rank\": ");
            out.write(Integer.toString(ranks[i]));
            out.write(", \"protocol\": ");
            out.write(protocol);
            out.write("}\n");
          }
          out.flush();
        });
  }

  private static String csvField(String text) {
    if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0) {
      return text;
    }
    return '"' + text.replace("\"", "\"\"") + '"';
  }

  @Override
  public String toString() {
    return metrics.toString();
  }
}
