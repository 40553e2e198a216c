package dev.sequent.bench;

import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.data.Split;
import dev.sequent.core.run.Experiment;
import dev.sequent.core.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** A checkpoint with the run's data loaded and split as in training, for the analysis tools. */
record CheckpointData(Checkpoint checkpoint, Experiment experiment, SequenceDataset dataset, Split split) {

  static CheckpointData load(Path checkpointFile) throws IOException {
    Checkpoint checkpoint = Checkpoint.read(checkpointFile);
    Experiment experiment = Experiment.fromCheckpoint(checkpoint, Map.of(), Path.of("").toAbsolutePath());
    SequenceDataset dataset = experiment.loadData(System.err);
    Experiment.checkVocabulary(checkpoint, dataset);
    return new CheckpointData(checkpoint, experiment, dataset, experiment.split(dataset));
  }
}
