package dev.sequent.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code sequent} command. Exit codes: 0 success, 1 user error, 2 usage. */
@Command(name = "sequent", mixinStandardHelpOptions = true, version = "sequent 0.1.0-SNAPSHOT",
    description = "JVM-native sequential recommendation: train, evaluate and serve next-item models.",
    subcommands = {TrainCommand.class})
public final class Main implements Runnable {

  @Option(names = "--debug", description = "Show stack traces of errors", scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Main());
    boolean debug = java.util.Arrays.asList(args).contains("--debug");
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (debug) {
        e.printStackTrace();
      }
      if (e instanceof UserException || e instanceof IllegalArgumentException || e instanceof IOException
          || e instanceof UncheckedIOException || e instanceof IllegalStateException) {
        commandLine.getErr().println("error: " + e.getMessage());
        return 1;
      }
      commandLine.getErr().println("error: " + e + (debug ? "" : " (run with --debug for details)"));
      return 1;
    });
    return cli.execute(args);
  }
}
