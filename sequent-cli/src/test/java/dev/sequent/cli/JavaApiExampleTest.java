package dev.sequent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.core.infer.Recommender;
import dev.sequent.core.run.Experiment;
import dev.sequent.core.train.TrainProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Java API" example, on the tiny data: it must keep compiling and working. */
class JavaApiExampleTest {

  @Test
  void trainAndRecommendInAFewLines(@TempDir Path tmp) throws Exception {
    PrintStream log = new PrintStream(new ByteArrayOutputStream());
    // --- as in the README (paths and sizes changed for the tiny data)
    Experiment experiment = new Experiment(Map.of(
        "data.path", TinyData.dir().resolve("ratings.csv").toString(),
        "data.format", "csv",
        "data.min_user_interactions", "3",
        "data.max_length", "10",
        "model.dim", "8",
        "train.max_steps", "4",
        "train.train_batch_size", "8"));
    Experiment.Outcome outcome = experiment.run(tmp.resolve("api"), false, TrainProgress.quiet(), log);
    double ndcg = outcome.test().get(0).get("NDCG@10");

    Recommender recommender = Recommender.load(tmp.resolve("api/best.ckpt"));
    int[] history = Stream.of("101", "102", "103").mapToInt(recommender::indexOf).filter(i -> i > 0).toArray();
    List<Recommender.Scored> top = recommender.recommend(history, 10, null);
    // ---
    assertTrue(ndcg >= 0 && ndcg <= 1);
    assertEquals(10, top.size());
    assertTrue(top.get(0).rawId().startsWith("1"));
  }
}
