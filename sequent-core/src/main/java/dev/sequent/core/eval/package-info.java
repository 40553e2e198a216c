/**
 * Evaluation protocols and ranking metrics of the papers Sequent reproduces.
 *
 * <p>A model is seen only through {@link dev.sequent.core.eval.Scorer}. {@link
 * dev.sequent.core.eval.Evaluator} ranks each case's target under a {@link
 * dev.sequent.core.eval.Protocol}: full ranking with an {@link dev.sequent.core.eval.ExclusionMode}
 * ({@code none} = RecBole/RecGRELA, {@code input-window} = LRURec, {@code history} = "seen items
 * removed"), or sampled ranking with uniform or popularity negatives (SASRec, BERT4Rec,
 * GLINT-RU/LinRec's {@code pop100}). The result is a {@link dev.sequent.core.eval.Metrics} (HR =
 * Recall, NDCG, MRR at several K) whose printed names carry the protocol when sampled.
 *
 * <p>Rules decided once for all protocols: ties count against the target; the target is never
 * excluded; pad id 0 is never a candidate; metrics are per-user means.
 */
package dev.sequent.core.eval;
