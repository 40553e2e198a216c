package dev.sequent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** User errors: exit code 1 and a message that says what to fix, never a stack trace; usage errors: 2. */
class ErrorPathsTest {

  private static void assertUserError(Cli.Result r, String... expected) {
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().startsWith("error: "), r.err());
    for (String text : expected) {
      assertTrue(r.err().contains(text), "expected '" + text + "' in: " + r.err());
    }
    assertFalse(r.err().contains("\tat "), "no stack trace without --debug: " + r.err());
    assertFalse(r.err().contains("Exception"), "no exception names: " + r.err());
  }

  @Test
  void missingConfigFile(@TempDir Path tmp) {
    Path missing = tmp.resolve("nope.yaml");
    assertUserError(Cli.run("train", missing.toString()), "config file " + missing + " does not exist");
  }

  @Test
  void missingDataFileNamesTheFileAndTheSetting(@TempDir Path tmp) throws IOException {
    Path config = TinyData.write(tmp);
    Path ratings = tmp.resolve("ratings.csv");
    Files.delete(ratings);
    assertUserError(Cli.run("train", config.toString(), "--run-dir", tmp.resolve("run").toString(), "-q"),
        "tiny.yaml line 3: data.path: file " + ratings + " does not exist");
    assertUserError(Cli.run("data", config.toString(), "--set", "data.path=" + tmp.resolve("other.csv")),
        "--set data.path=", "other.csv does not exist");
  }

  @Test
  void malformedDataLineNamesFileAndLine(@TempDir Path tmp) throws IOException {
    Path config = TinyData.write(tmp);
    Files.writeString(tmp.resolve("ratings.csv"), "userId,movieId,rating,timestamp\n1,101,4.0,100\n1,x\n");
    assertUserError(Cli.run("data", config.toString()), "ratings.csv:3");
  }

  @Test
  void unknownModelListsTheAvailableOnes() {
    assertUserError(Cli.run("train", TinyData.config().toString(), "--set", "model.name=transformer9000"),
        "--set model.name=transformer9000", "unknown model 'transformer9000'", "lrurec", "sasrec");
  }

  @Test
  void overrideWithoutAValue() {
    assertUserError(Cli.run("train", TinyData.config().toString(), "--set", "foo"),
        "--set expects key=value", "'foo'");
  }

  @Test
  void missingCheckpoint(@TempDir Path tmp) {
    assertUserError(Cli.run("recommend", tmp.resolve("x.ckpt").toString(), "--history", "1"),
        "checkpoint " + tmp.resolve("x.ckpt") + " does not exist");
    assertUserError(Cli.run("evaluate", tmp.toString()), "holds no best.ckpt or latest.ckpt");
  }

  @Test
  void notACheckpoint(@TempDir Path tmp) throws IOException {
    Path fake = tmp.resolve("fake.ckpt");
    Files.writeString(fake, "hello, I am not a checkpoint");
    assertUserError(Cli.run("recommend", fake.toString(), "--history", "1"), "is not a Sequent checkpoint");
  }

  @Test
  void unknownUserAndUnknownItems() {
    String run = TinyData.trainedRun().toString();
    assertUserError(Cli.run("recommend", run, "--user", "nobody"), "user 'nobody' is not in the data");
    assertUserError(Cli.run("recommend", run, "--history", "7777,8888"), "none of the history's items");
  }

  @Test
  void badProtocolOnTheCommandLine() {
    assertUserError(Cli.run("evaluate", TinyData.trainedRun().toString(), "--protocol", "half"),
        "--protocol: unknown protocol \"half\"", "full-exclude-history");
  }

  @Test
  void usageErrorsExitWithTwo() {
    Cli.Result r = Cli.run("train");
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("Missing required parameter: 'CONFIG'"), r.err());
    assertEquals(2, Cli.run("train", TinyData.config().toString(), "--no-such-option").code());
    assertEquals(2, Cli.run("frobnicate").code());
    Cli.Result both = Cli.run("recommend", "x", "--user", "1", "--history", "2");
    assertEquals(2, both.code(), both.toString());
    assertEquals(2, Cli.run("evaluate", "x", "--split", "training").code());
  }

  @Test
  void debugShowsTheStackTrace(@TempDir Path tmp) {
    Cli.Result r = Cli.run("--debug", "train", tmp.resolve("nope.yaml").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("\tat dev.sequent"), r.err());
  }
}
