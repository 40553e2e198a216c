/**
 * The interaction data pipeline: read, preprocess, cache, split, and batch.
 *
 * <pre>
 * DataSource ──InteractionReader──▶ RawInteractions ──Preprocessor(PreprocessConfig)──▶ SequenceDataset
 *      └──────────────── DatasetCache.loadOrBuild (binary cache, fingerprinted) ───────────────┘
 * SequenceDataset ──Split.leaveOneOut / Split.temporal──▶ Split ──▶ EvalSet (validation, test)
 * Split ──Seq2SeqSamples (LRURec) / PrefixSamples (RecBole)──▶ SampleSet ──BatchSource──▶ batches
 * </pre>
 *
 * <p>Conventions used throughout:
 *
 * <ul>
 *   <li>Items are 1..N and 0 is padding; users are 0..U-1. Dense ids follow the ascending raw-id
 *       order (numeric when all raw ids are integers), so SASRec-style files keep their ids.
 *   <li>Each user's sequence is chronological. Ties in time follow {@link
 *       dev.sequent.core.data.PreprocessConfig.TieRule}; formats without timestamps keep file
 *       order.
 *   <li>Errors in input files are {@link dev.sequent.core.data.DataFormatException}s naming file,
 *       line and text; preprocessing that leaves nothing is an {@link
 *       dev.sequent.core.data.EmptyDatasetException} naming the settings.
 *   <li>Randomness (shuffling) comes only from {@link java.util.SplittableRandom} instances seeded
 *       through {@link dev.sequent.core.data.Seeds}.
 * </ul>
 *
 * <p>Nothing here depends on tensors or models.
 */
package dev.sequent.core.data;
