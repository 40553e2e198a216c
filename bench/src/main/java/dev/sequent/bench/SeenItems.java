package dev.sequent.bench;

import dev.sequent.core.data.EvalSet;
import dev.sequent.core.infer.Recommender;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many of a model's top-k recommendations are items already in the user's input window, when nothing
 * is excluded (the RecBole protocol). On data without repeated interactions (ML-1M) these places are
 * always wasted, so this measures what excluding the window would gain and whether a model has learned
 * to rank seen items low.
 *
 * <p>Prints, over the evaluation cases of a split: HR@k without exclusion, seen items per top k, the share
 * of users whose first recommendation is a seen item, the share whose last item is in the top k, and the
 * seen items per user by their distance from the end of the window.
 *
 * <pre>
 *   java -cp "bench/target/classes:$(cat bench/target/cp.txt)" dev.sequent.bench.SeenItems \
 *       runs/recgrela-ml1m-causal/best.ckpt [test|validation] [k]
 * </pre>
 */
public final class SeenItems {
  private static final int[] DISTANCE_BUCKET_ENDS = {1, 2, 5, 10, 20, 50, Integer.MAX_VALUE};
  private static final String[] DISTANCE_BUCKET_NAMES = {"1", "2", "3-5", "6-10", "11-20", "21-50", ">50"};

  private SeenItems() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: SeenItems CHECKPOINT [test|validation] [k]");
      System.exit(2);
    }
    Path checkpointFile = Path.of(args[0]);
    String stage = args.length > 1 ? args[1] : "test";
    int k = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    CheckpointData run = CheckpointData.load(checkpointFile);
    EvalSet cases = stage.equals("validation") ? run.split().validation() : run.split().test();
    Recommender recommender = Recommender.of(run.checkpoint());

    long hits = 0;
    long seen = 0;
    long firstIsSeen = 0;
    long lastInTop = 0;
    long[] byDistance = new long[DISTANCE_BUCKET_ENDS.length];
    for (int c = 0; c < cases.size(); c++) {
      int[] window = cases.history(c, recommender.maxLength());
      Map<Integer, Integer> distanceFromEnd = new HashMap<>();
      for (int i = 0; i < window.length; i++) {
        distanceFromEnd.put(window[i], window.length - i); // a repeated item keeps its latest position
      }
      List<Recommender.Scored> top = recommender.recommend(window, k, null);
      for (int rank = 0; rank < top.size(); rank++) {
        int item = top.get(rank).item();
        hits += item == cases.target(c) ? 1 : 0;
        Integer distance = distanceFromEnd.get(item);
        if (distance == null) {
          continue;
        }
        seen++;
        firstIsSeen += rank == 0 ? 1 : 0;
        lastInTop += distance == 1 ? 1 : 0;
        int bucket = 0;
        while (distance > DISTANCE_BUCKET_ENDS[bucket]) {
          bucket++;
        }
        byDistance[bucket]++;
      }
    }
    double users = cases.size();
    System.out.printf("%s, %s split, %d users, top %d, nothing excluded%n", checkpointFile, stage, cases.size(), k);
    System.out.printf("HR@%d %.4f | seen items per top %d %.3f | first is seen %.3f | last item in top %d %.3f%n",
        k, hits / users, k, seen / users, firstIsSeen / users, k, lastInTop / users);
    StringBuilder buckets = new StringBuilder("seen items per user by distance from the window's end:");
    for (int b = 0; b < byDistance.length; b++) {
      buckets.append(String.format(" %s: %.3f", DISTANCE_BUCKET_NAMES[b], byDistance[b] / users));
    }
    System.out.println(buckets);
  }
}
