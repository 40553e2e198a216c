package dev.sequent.core.model;

import dev.sequent.core.train.Values;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model registry: builds a model from its name and flat options. Options not given take the model's
 * defaults; unknown options are errors that list the valid ones.
 */
public final class Models {
  private Models() {}

  public static List<String> names() {
    return List.of("lrurec", "sasrec");
  }

  /** Default options of a model (what the papers' official code uses). */
  public static Map<String, String> defaults(String name) {
    Map<String, String> m = new LinkedHashMap<>();
    switch (name) {
      case "lrurec" -> {
        LruRec.Config c = LruRec.Config.defaults(1);
        m.put("dim", "" + c.dim());
        m.put("blocks", "" + c.blocks());
        m.put("dropout", "" + c.dropout());
        m.put("lru_dropout", "" + c.lruDropout());
        m.put("r_min", "" + c.rMin());
        m.put("r_max", "" + c.rMax());
        m.put("max_phase", "" + c.maxPhase());
        m.put("layer_norm_eps", "" + c.layerNormEps());
        m.put("seed", "" + c.seed());
      }
      case "sasrec" -> {
        SasRec.Config c = SasRec.Config.defaults(1, 1);
        m.put("dim", "" + c.dim());
        m.put("blocks", "" + c.blocks());
        m.put("heads", "" + c.heads());
        m.put("dropout", "" + c.dropout());
        m.put("layer_norm_eps", "" + c.layerNormEps());
        m.put("seed", "" + c.seed());
      }
      default -> throw unknown(name);
    }
    return m;
  }

  /** Builds a model for {@code numItems} items and windows of {@code maxLength}. */
  public static SequenceModel create(String name, Map<String, String> options, int numItems, int maxLength) {
    Map<String, String> all = defaults(name);
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (!all.containsKey(e.getKey())) {
        throw new IllegalArgumentException("unknown option '" + e.getKey() + "' for model " + name + "; valid: "
            + all.keySet());
      }
      all.put(e.getKey(), e.getValue());
    }
    Values v = new Values(all);
    return switch (name) {
      case "lrurec" -> new LruRec(new LruRec.Config(numItems, v.integer("dim"), v.integer("blocks"),
          (float) v.number("dropout"), (float) v.number("lru_dropout"), (float) v.number("r_min"),
          (float) v.number("r_max"), (float) v.number("max_phase"), (float) v.number("layer_norm_eps"),
          v.longValue("seed")));
      case "sasrec" -> new SasRec(new SasRec.Config(numItems, maxLength, v.integer("dim"), v.integer("blocks"),
          v.integer("heads"), (float) v.number("dropout"), (float) v.number("layer_norm_eps"), v.longValue("seed")));
      default -> throw unknown(name);
    };
  }

  private static IllegalArgumentException unknown(String name) {
    return new IllegalArgumentException("unknown model '" + name + "'; available: " + names());
  }
}
