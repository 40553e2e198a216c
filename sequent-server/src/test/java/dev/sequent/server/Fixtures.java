package dev.sequent.server;

import dev.sequent.core.model.LruRec;
import dev.sequent.core.model.SasRec;
import dev.sequent.core.model.SequenceModel;
import dev.sequent.core.train.Checkpoint;
import dev.sequent.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small models saved as checkpoints the way a training run writes them. */
final class Fixtures {
  static final int ITEMS = 60;
  static final int MAX_LENGTH = 12;
  static final int DIM = 16;

  private Fixtures() {}

  /** Raw ids "101".."160": numeric text, so JSON integers and strings both name them. */
  static List<String> rawIds(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      ids.add(Integer.toString(100 + i));
    }
    return ids;
  }

  static LruRec lruRec(long seed) {
    LruRec.Config c = LruRec.Config.defaults(ITEMS);
    LruRec m = new LruRec(new LruRec.Config(ITEMS, DIM, 2, c.dropout(), c.lruDropout(), c.rMin(), c.rMax(),
        c.maxPhase(), c.layerNormEps(), seed));
    return perturbed(m, seed);
  }

  static SasRec sasRec(long seed) {
    SasRec.Config c = SasRec.Config.defaults(ITEMS, MAX_LENGTH);
    SasRec m = new SasRec(new SasRec.Config(ITEMS, MAX_LENGTH, DIM, 2, 2, c.dropout(), c.layerNormEps(), seed));
    return perturbed(m, seed);
  }

  /**
   * Moves the weights far from their tiny initial values, so scores are well spread and every term of the
   * forward pass matters (keeps LRURec's ν/θ/γ logs so |λ| stays below 1).
   */
  static <M extends SequenceModel> M perturbed(M model, long seed) {
    Random rnd = new Random(seed);
    for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
      if (e.getKey().endsWith("params_log")) {
        continue;
      }
      Tensor t = e.getValue();
      float[] data = t.data();
      for (int i = 0; i < t.size(); i++) {
        data[t.offset() + i] += (float) (0.3 * rnd.nextGaussian());
      }
    }
    model.train(false);
    return model;
  }

  /** Writes {@code model} as a training run would: weights, model config, max length and vocabulary. */
  static Path checkpoint(Path file, SequenceModel model, String titles) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("config.model.name", model.name());
    meta.put("config.model.dim", Integer.toString(model.dim()));
    meta.put("config.model.blocks", "2");
    if (model instanceof LruRec lru) {
      meta.put("config.model.seed", Long.toString(lru.config().seed()));
    } else {
      meta.put("config.model.heads", "2");
    }
    meta.put("config.data.max_length", Integer.toString(MAX_LENGTH));
    meta.put("config.data.titles", titles == null ? "" : titles);
    Map<String, float[]> params = new LinkedHashMap<>();
    model.namedParameters().forEach((name, t) -> params.put(name, t.toArray()));
    Map<String, byte[]> sections = Map.of("items",
        String.join("\n", rawIds(model.numItems())).getBytes(StandardCharsets.UTF_8));
    new Checkpoint(meta, params, sections).write(file);
    return file;
  }
}
