package dev.sequent.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PresetSpeedBenchTest {
  @Test
  void earlierRowsKeepTheirMeasuredCellAndOldRowsGetTheFilesCommit() {
    List<String> file = List.of(
        "# Training and inference speed of every preset",
        "- Commit: 3b4db72-dirty",
        "- JDK: OpenJDK 64-Bit Server VM 25.0.3+9-LTS",
        "- Date: 2026-12-06",
        "| preset | model | batch / L | ms / step | targets / s | steps / epoch | s / epoch | h / 10k steps "
            + "| step buffers (MB) | re-encode + top-10 (ms) | incremental event + top-10 (µs) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        "| sasrec-ml1m | sasrec | 128 / 200 | 349 | 44418 | 56 | 19.6 | 0.97 | 795 | 11.0 | – |",
        "| lrurec-ml1m | lrurec | 128 / 200 | 502 | 30933 | 56 | 28.1 | 1.39 | 726 | 4.9 | 165 | abc1234, JDK 17, 2026-12-08 |");

    Map<String, String> rows = PresetSpeedBench.earlierRows(file);

    assertEquals(List.of("lrurec-ml1m", "sasrec-ml1m"), List.copyOf(rows.keySet()));
    assertEquals("| sasrec-ml1m | sasrec | 128 / 200 | 349 | 44418 | 56 | 19.6 | 0.97 | 795 | 11.0 | – "
        + "| 3b4db72-dirty, JDK 25, 2026-12-06 |", rows.get("sasrec-ml1m"));
    assertEquals(file.get(7), rows.get("lrurec-ml1m"));
  }
}
