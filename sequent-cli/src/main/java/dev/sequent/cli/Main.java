package dev.sequent.cli;

import dev.sequent.core.data.DataFormatException;
import dev.sequent.core.data.EmptyDatasetException;
import dev.sequent.core.run.Versions;
import dev.sequent.server.ServeCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code sequent} command. Exit codes: 0 success, 1 user error (a message, no stack trace unless
 * {@code --debug}), 2 usage error (unknown option, missing argument).
 *
 * <p>To add a command, append its class to {@code subcommands} below (or call {@code addSubcommand} on
 * {@link #commandLine}); commands reach the output streams and the project root through a
 * {@code @ParentCommand Main} field.
 */
@Command(name = "sequent", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "JVM-native sequential recommendation: train, evaluate and serve next-item models.",
    subcommands = {
        DemoCommand.class,
        TrainCommand.class,
        EvaluateCommand.class,
        RecommendCommand.class,
        ServeCommand.class,
        DataCommand.class,
        BenchCommand.class,
        ReportCommand.class,
        CommandLine.HelpCommand.class,
    })
public final class Main implements Runnable {

  @Option(names = "--debug", description = "Show stack traces of errors", scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  final PrintStream out;
  final PrintStream err;

  Main(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public void run() {
    CommandLine.usage(this, out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line on the process's streams and returns the exit code. */
  public static int execute(String... args) {
    return execute(System.out, System.err, args);
  }

  /** Runs the command line with the given output streams (results to {@code out}, progress and errors to
   * {@code err}) and returns the exit code. */
  public static int execute(PrintStream out, PrintStream err, String... args) {
    CommandLine cli = commandLine(out, err);
    boolean debug = Arrays.asList(args).contains("--debug");
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (debug) {
        e.printStackTrace(err);
      }
      err.println("error: " + message(e, debug));
      err.flush();
      return 1;
    });
    int code;
    try {
      code = cli.execute(args);
    } catch (OutOfMemoryError e) {
      if (debug) {
        e.printStackTrace(err);
      }
      err.println("error: out of Java heap (" + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB allowed). "
          + "Allow more, e.g. SEQUENT_JAVA_OPTS=-Xmx4g, or lower train.train_batch_size or eval.batch_size.");
      code = 1;
    }
    out.flush();
    err.flush();
    return code;
  }

  /** The configured command line (for adding commands from other modules). */
  public static CommandLine commandLine(PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new Main(out, err));
    cli.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cli.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return cli;
  }

  /** What the user reads: the message of problems they can fix, a pointer to --debug for bugs. */
  static String message(Exception e, boolean debug) {
    if (e instanceof NoSuchFileException n) {
      return "file not found: " + n.getFile() + (n.getReason() == null ? "" : " (" + n.getReason() + ")");
    }
    if (e instanceof java.nio.file.AccessDeniedException a) {
      return "permission denied: " + a.getFile();
    }
    if (e instanceof UncheckedIOException u && u.getCause() instanceof NoSuchFileException n) {
      return "file not found: " + n.getFile();
    }
    if (e instanceof UserException || e instanceof IllegalArgumentException || e instanceof IOException
        || e instanceof UncheckedIOException || e instanceof IllegalStateException
        || e instanceof DataFormatException || e instanceof EmptyDatasetException
        || e instanceof UnsupportedOperationException) {
      String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (e.getCause() != null && e.getCause().getMessage() != null && !text.contains(e.getCause().getMessage())
          && (e instanceof IOException || e instanceof UncheckedIOException)) {
        text += ": " + e.getCause().getMessage();
      }
      return text;
    }
    return "internal error: " + e + (debug ? "" : " (run with --debug for the stack trace)");
  }

  /**
   * The directory that relative paths inside configs (data files, caches) and the default {@code runs/}
   * folder are resolved against: the {@code sequent.home} system property (the launcher sets it to the
   * repository root), else the working directory.
   */
  static Path projectRoot() {
    String home = System.getProperty("sequent.home");
    return (home == null || home.isBlank() ? Path.of("") : Path.of(home)).toAbsolutePath().normalize();
  }

  /** {@code sequent --version}: the version and, inside a git checkout, the commit. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"sequent " + Versions.sequent() + " (commit " + Versions.gitCommit() + ")",
          "Java " + System.getProperty("java.version") + ", " + System.getProperty("java.vm.name")};
    }
  }
}
