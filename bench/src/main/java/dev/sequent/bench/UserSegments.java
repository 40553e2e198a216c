package dev.sequent.bench;

import dev.sequent.core.data.EvalSet;
import dev.sequent.core.eval.Metrics;
import dev.sequent.core.model.SequenceModel;
import dev.sequent.core.run.Experiment;
import java.nio.file.Path;
import java.util.List;

/**
 * A checkpoint's validation and test metrics for two segments of users, split by numeric raw user id:
 * below a boundary and from it on. Made for RecBole's ML-1M order (runs/data/ml-1m-recbole-order.txt.gz),
 * which is exact for users 1-2999 and estimated for the others: if the estimate hurt, the test metrics of
 * users 3000-6040 would fall behind theirs on validation more than those of users 1-2999 do.
 *
 * <pre>
 *   java -cp "bench/target/classes:$(cat bench/target/cp.txt)" dev.sequent.bench.UserSegments \
 *       runs/recgrela-ml1m-causal/best.ckpt [boundary, default 3000]
 * </pre>
 */
public final class UserSegments {
  private UserSegments() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: UserSegments CHECKPOINT [boundary]");
      System.exit(2);
    }
    Path checkpointFile = Path.of(args[0]);
    long boundary = args.length > 1 ? number(args[1], "the boundary argument") : 3000;
    CheckpointData run = CheckpointData.load(checkpointFile);
    Experiment experiment = run.experiment();
    SequenceModel model = Experiment.loadModel(run.checkpoint());

    boolean[] belowBoundary = new boolean[run.dataset().numUsers()];
    for (int user = 0; user < belowBoundary.length; user++) {
      belowBoundary[user] = number(run.dataset().users().rawId(user), "raw user id") < boundary;
    }

    System.out.printf("%s, users split at raw id %d, validation protocol %s%n",
        checkpointFile, boundary, experiment.validProtocol().name());
    for (EvalSet stage : List.of(run.split().validation(), run.split().test())) {
      for (boolean below : new boolean[] {true, false}) {
        String segment = (below ? "id < " : "id >= ") + boundary;
        EvalSet cases = stage.restrictedTo(user -> belowBoundary[user] == below, "not " + segment);
        Metrics metrics = experiment.evaluate(model, cases, List.of(experiment.validProtocol())).get(0);
        System.out.printf("%-10s %-12s %5d users  HR@10 %.4f  NDCG@10 %.4f  MRR@10 %.4f%n", stage.stage(),
            segment, cases.size(), metrics.get("HR@10"), metrics.get("NDCG@10"), metrics.get("MRR@10"));
      }
    }
  }

  /** The segments need numeric ids (ML-1M's); any other id stops the tool with the value named. */
  private static long number(String text, String what) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      System.err.println("UserSegments: " + what + " '" + text + "' is not a whole number; the tool splits "
          + "users by numeric raw id");
      System.exit(2);
      return 0;
    }
  }
}
