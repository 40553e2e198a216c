package dev.sequent.core.model;

import dev.sequent.core.data.ClozeMasking;
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
    return List.of("lrurec", "sasrec", "gru4rec", "bert4rec", "linrec", "recgrela", "glintru");
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
      case "gru4rec" -> {
        Gru4Rec.Config c = Gru4Rec.Config.defaults(1);
        m.put("dim", "" + c.dim());
        m.put("hidden", "" + c.hidden());
        m.put("dropout", "" + c.dropout());
        m.put("output_bias", "" + c.outputBias());
        m.put("init", Values.label(c.init()));
        m.put("seed", "" + c.seed());
      }
      case "bert4rec" -> {
        Bert4Rec.Config c = Bert4Rec.Config.defaults(1, 2);
        m.put("dim", "" + c.dim());
        m.put("blocks", "" + c.blocks());
        m.put("heads", "" + c.heads());
        m.put("dropout", "" + c.dropout());
        m.put("attention_dropout", "" + c.attentionDropout());
        m.put("mask_ratio", "" + c.maskRatio());
        m.put("last_item_ratio", "" + c.lastItemRatio());
        m.put("last_item", Values.label(c.lastItem()));
        m.put("mask_replacement", Values.label(c.maskReplacement()));
        m.put("max_predictions", "" + c.maxPredictions());
        m.put("output_layer_norm", "" + c.outputLayerNorm());
        m.put("embedding_init", Values.label(c.embeddingInit()));
        m.put("positions", Values.label(c.positions()));
        m.put("layer_norm_eps", "" + c.layerNormEps());
        m.put("seed", "" + c.seed());
      }
      case "linrec" -> {
        LinRec.Config c = LinRec.Config.defaults(1, 1);
        m.put("variant", c.variant());
        m.put("dim", "" + c.dim());
        m.put("layers", "" + c.layers());
        m.put("heads", "" + c.heads());
        m.put("inner", "" + c.inner());
        m.put("dropout", "" + c.dropout());
        m.put("k_norm", Values.label(c.keyNorm()));
        m.put("layer_norm_eps", "" + c.layerNormEps());
        m.put("seed", "" + c.seed());
      }
      case "recgrela" -> {
        RecGrela.Config c = RecGrela.Config.defaults(1);
        m.put("variant", c.variant());
        m.put("dim", "" + c.dim());
        m.put("blocks", "" + c.blocks());
        m.put("heads", "" + c.heads());
        m.put("dropout", "" + c.dropout());
        m.put("drop_path", "" + c.dropPath());
        m.put("conv_kernel", "" + c.convKernel());
        m.put("rope_base", "" + c.ropeBase());
        m.put("layer_norm_eps", "" + c.layerNormEps());
        m.put("seed", "" + c.seed());
      }
      case "glintru" -> {
        GlintRu.Config c = GlintRu.Config.defaults(1);
        m.put("variant", c.variant());
        m.put("dim", "" + c.dim());
        m.put("heads", "" + c.heads());
        m.put("conv_kernel", "" + c.convKernel());
        m.put("embedding_dropout", "" + c.embeddingDropout());
        m.put("attention_dropout", "" + c.attentionDropout());
        m.put("dropout", "" + c.dropout());
        m.put("k_norm", Values.label(c.keyNorm()));
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
      case "gru4rec" -> new Gru4Rec(new Gru4Rec.Config(numItems, v.integer("dim"), v.integer("hidden"),
          (float) v.number("dropout"), v.bool("output_bias"), v.choice("init", Gru4Rec.Init.class),
          v.longValue("seed")));
      case "bert4rec" -> new Bert4Rec(new Bert4Rec.Config(numItems, maxLength, v.integer("dim"), v.integer("blocks"),
          v.integer("heads"), (float) v.number("dropout"), (float) v.number("attention_dropout"),
          (float) v.number("mask_ratio"), (float) v.number("last_item_ratio"),
          v.choice("last_item", ClozeMasking.LastItem.class),
          v.choice("mask_replacement", ClozeMasking.Replacement.class), v.integer("max_predictions"),
          v.bool("output_layer_norm"),
          v.choice("embedding_init", Bert4Rec.EmbeddingInit.class), v.choice("positions", Bert4Rec.Positions.class),
          (float) v.number("layer_norm_eps"), v.longValue("seed")));
      case "linrec" -> LinRec.create(new LinRec.Config(numItems, maxLength, causalVariant(v.string("variant")),
          v.integer("dim"), v.integer("layers"), v.integer("heads"), v.integer("inner"), (float) v.number("dropout"),
          v.choice("k_norm", LinRec.KeyNorm.class), (float) v.number("layer_norm_eps"), v.longValue("seed")));
      case "recgrela" -> RecGrela.create(new RecGrela.Config(numItems, causalVariant(v.string("variant")),
          v.integer("dim"), v.integer("blocks"), v.integer("heads"), (float) v.number("dropout"),
          (float) v.number("drop_path"), v.integer("conv_kernel"), (float) v.number("rope_base"),
          (float) v.number("layer_norm_eps"), v.longValue("seed")));
      case "glintru" -> GlintRu.create(new GlintRu.Config(numItems, causalVariant(v.string("variant")),
          v.integer("dim"), v.integer("heads"), v.integer("conv_kernel"), (float) v.number("embedding_dropout"),
          (float) v.number("attention_dropout"), (float) v.number("dropout"), v.choice("k_norm", LinRec.KeyNorm.class),
          (float) v.number("layer_norm_eps"), v.longValue("seed")));
      default -> throw unknown(name);
    };
  }

  /** LinRec, RecGRELA and GLINT-RU: "faithful" (the official computation) or "causal" (incremental). */
  private static boolean causalVariant(String variant) {
    return switch (variant) {
      case "faithful" -> false;
      case "causal" -> true;
      default -> throw new IllegalArgumentException("variant must be 'faithful' (the official code's computation) "
          + "or 'causal' (prefix sums, incremental inference), got '" + variant + "'");
    };
  }

  private static IllegalArgumentException unknown(String name) {
    return new IllegalArgumentException("unknown model '" + name + "'; available: " + names());
  }
}
