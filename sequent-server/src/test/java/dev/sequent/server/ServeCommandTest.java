package dev.sequent.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {
  @TempDir
  Path dir;

  @Test
  void servesUntilStoppedAndWritesTheSnapshotBesideTheCheckpoint() throws Exception {
    Path ckpt = Fixtures.checkpoint(dir.resolve("best.ckpt"), Fixtures.lruRec(61), null);
    ServeCommand command = new ServeCommand();
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> exit = runner.submit(() -> new CommandLine(command).execute("--checkpoint", ckpt.toString(),
          "--port", "0", "--snapshot-interval", "0"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (command.server == null && !exit.isDone() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertNotNull(command.server, "the server did not start");
      Http http = new Http(command.server);
      assertEquals(200, http.post("/v1/users/cli/events", "{\"items\": [\"101\", \"102\"]}").status());
      command.server.close(); // what the SIGTERM hook runs
      assertEquals(0, exit.get(20, TimeUnit.SECONDS));
      Path snapshot = dir.resolve("users.snapshot");
      assertTrue(Files.isRegularFile(snapshot), "no snapshot at " + snapshot);
      assertEquals(1, Snapshots.read(snapshot, ServedModel.load(ckpt, null), new InMemoryStateStore(5)).users());
    } finally {
      runner.shutdownNow();
    }
  }

  @Test
  void aMissingCheckpointIsAnErrorAndHelpListsTheOptions() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ServeCommand()).setErr(new PrintWriter(err));
    int code = cli.execute("--checkpoint", dir.resolve("missing.ckpt").toString(), "--port", "0",
        "--snapshot", "none");
    assertNotEquals(0, code);
    assertTrue(err.toString().contains("missing.ckpt"), err.toString());

    StringWriter out = new StringWriter();
    assertEquals(0, new CommandLine(new ServeCommand()).setOut(new PrintWriter(out)).execute("--help"));
    for (String option : new String[] {"--checkpoint", "--port", "--snapshot", "--max-users", "--watch",
        "--queue", "--max-body"}) {
      assertTrue(out.toString().contains(option), option + " missing from:\n" + out);
    }
  }
}
