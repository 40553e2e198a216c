package dev.sequent.core.data;

import java.nio.file.Path;
import java.util.List;

/**
 * Where interactions come from: one or more files of one format (read in the given order, as if
 * concatenated), and the reading options.
 */
public record DataSource(List<Path> files, InteractionFormat format, ReadOptions options) {

  public DataSource {
    if (files == null || files.isEmpty()) {
      throw new IllegalArgumentException("a data source needs at least one file");
    }
    files = List.copyOf(files);
    if (format == null) {
      throw new IllegalArgumentException("a data source needs a format");
    }
    if (options == null) {
      options = ReadOptions.strict();
    }
  }

  public static DataSource of(Path file, InteractionFormat format) {
    return new DataSource(List.of(file), format, ReadOptions.strict());
  }

  public DataSource withOptions(ReadOptions newOptions) {
    return new DataSource(files, format, newOptions);
  }

  /** Reads all files. */
  public RawInteractions read() throws java.io.IOException {
    return InteractionReader.read(this);
  }

  public String describe() {
    return "files=" + files + ", format=" + format.describe() + ", " + options.describe();
  }
}
