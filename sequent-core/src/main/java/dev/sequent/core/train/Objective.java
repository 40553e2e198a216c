package dev.sequent.core.train;

import dev.sequent.core.data.ClozeBatch;
import dev.sequent.core.data.ClozeMasking;
import dev.sequent.core.data.Padding;
import dev.sequent.core.data.PrefixBatch;
import dev.sequent.core.data.Seq2SeqBatch;
import dev.sequent.core.data.Seeds;
import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.model.SequenceModel;
import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.Losses;
import dev.sequent.tensor.NN;
import dev.sequent.tensor.NegativeSampler;
import dev.sequent.tensor.Rng;
import dev.sequent.tensor.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The training loss of one batch: which hidden states predict which targets, and with which loss.
 *
 * <p>Sequence-to-sequence batches put a target at every position (label 0 = none); prefix batches have one
 * target, predicted from the last real position. Padding positions are skipped by the losses. Negatives
 * are drawn from a generator seeded by (seed, step), so a resumed run draws the same ones.
 *
 * <p>Cloze models ({@link SequenceModel#clozeMasking()}, BERT4Rec) train on the same sequence-to-sequence
 * windows, masked by the model's rule with a generator seeded by (seed, step); the loss is taken at the
 * masked positions only.
 */
final class Objective {
  /** Mixed into the seeds of the Cloze masks and of the negatives, so the two streams are independent. */
  private static final long CLOZE_STREAM = 0x434C4F5A45L;
  private static final long NEGATIVES_STREAM = 0x4E45474154L;

  private final SequenceModel model;
  private final TrainConfig config;
  private final SequenceDataset dataset;
  private final NegativeSampler sampler;
  private final Map<Integer, int[]> userItems = new HashMap<>();
  private int lastTargets;

  Objective(SequenceModel model, TrainConfig config, SequenceDataset dataset, long[] itemCounts) {
    this.model = model;
    this.config = config;
    this.dataset = dataset;
    int ids = model.numItems() + 1;
    this.sampler = config.loss().equals("sampled") && itemCounts != null
        ? NegativeSampler.popularity(itemCounts, 1.0)
        : NegativeSampler.uniform(ids);
  }

  /** Targets the last {@link #loss} was taken over (for throughput figures). */
  int lastTargets() {
    return lastTargets;
  }

  /**
   * The mean loss of a batch, or of part {@code part} of a batch split into parts (micro-batches): each part
   * draws its own negatives and Cloze masks, and part 0 draws what the unsplit batch would.
   */
  Tensor loss(Object batch, long step, int part) {
    Tensor hidden;
    IntTensor targets;
    int[] rowUsers;
    ClozeMasking cloze = model.clozeMasking();
    if (cloze != null) {
      if (!(batch instanceof Seq2SeqBatch windows)) {
        throw new IllegalArgumentException(model.name() + " trains with the Cloze objective on sequence-to-sequence "
            + "windows; set data.samples to seq2seq");
      }
      ClozeBatch b = cloze.mask(windows, streamSeed(CLOZE_STREAM, step, part));
      int length = b.maxLength();
      hidden = model.encode(new IntTensor(b.inputs(), b.size(), length)).reshape(b.size() * length, model.dim());
      targets = new IntTensor(b.labels(), b.size() * length);
      rowUsers = new int[b.size() * length];
      for (int i = 0; i < rowUsers.length; i++) {
        rowUsers[i] = b.users()[i / length];
      }
    } else if (batch instanceof Seq2SeqBatch b) {
      int length = b.maxLength();
      hidden = model.encode(new IntTensor(b.inputs(), b.size(), length)).reshape(b.size() * length, model.dim());
      targets = new IntTensor(b.labels(), b.size() * length);
      rowUsers = new int[b.size() * length];
      for (int i = 0; i < rowUsers.length; i++) {
        rowUsers[i] = b.users()[i / length];
      }
    } else {
      PrefixBatch b = (PrefixBatch) batch;
      int length = b.maxLength();
      Tensor all = model.encode(new IntTensor(b.inputs(), b.size(), length)).reshape(b.size() * length, model.dim());
      int[] last = new int[b.size()];
      for (int r = 0; r < b.size(); r++) {
        last[r] = r * length + (model.padding() == Padding.LEFT ? length - 1 : b.lengths()[r] - 1);
      }
      hidden = NN.embedding(all, new IntTensor(last, b.size()));
      targets = new IntTensor(b.targets(), b.size());
      rowUsers = b.users();
    }
    lastTargets = countNonZero(targets.data());
    Rng rng = new Rng(streamSeed(NEGATIVES_STREAM, step, part));
    switch (config.loss()) {
      case "ce":
        return Losses.crossEntropy(hidden, model.itemEmbeddings(), model.itemBias(), targets, 0, config.ceChunk());
      case "sampled":
        int[] negatives = sampler.sample(rng, config.negatives());
        return Losses.sampledSoftmax(hidden, model.itemEmbeddings(), model.itemBias(), targets, 0, negatives,
            config.logQ() ? sampler.logQ() : null);
      default:
        int k = Math.max(1, config.negatives());
        return Losses.bceWithNegatives(hidden, model.itemEmbeddings(), targets,
            new IntTensor(unseenNegatives(targets.data(), rowUsers, k, rng), targets.size(), k), 0);
    }
  }

  private long streamSeed(long stream, long step, int part) {
    return part == 0 ? Seeds.derive(config.seed(), stream, step) : Seeds.derive(config.seed(), stream, step, part);
  }

  /** Label 0 means no target (padding, or a position the Cloze rule left unmasked). */
  private static int countNonZero(int[] labels) {
    int n = 0;
    for (int label : labels) {
      n += label != 0 ? 1 : 0;
    }
    return n;
  }

  /** k negatives per row drawn uniformly from the items the row's user never interacted with (SASRec). */
  private int[] unseenNegatives(int[] targets, int[] users, int k, Rng rng) {
    int numItems = model.numItems();
    int[] out = new int[targets.length * k];
    for (int r = 0; r < targets.length; r++) {
      if (targets[r] == 0) {
        continue;
      }
      int[] seen = userItems.computeIfAbsent(users[r], this::sortedItems);
      for (int j = 0; j < k; j++) {
        int candidate;
        int tries = 0;
        do {
          candidate = 1 + rng.nextInt(numItems);
        } while (Arrays.binarySearch(seen, candidate) >= 0 && ++tries < 1000);
        out[r * k + j] = candidate;
      }
    }
    return out;
  }

  private int[] sortedItems(int user) {
    int[] items = dataset.sequence(user).clone();
    Arrays.sort(items);
    return items;
  }
}
