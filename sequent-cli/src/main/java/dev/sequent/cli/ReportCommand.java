package dev.sequent.cli;

import dev.sequent.cli.report.HtmlReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code sequent report RUN_DIR}: (re)writes a run folder's report.html from its files. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write (or rewrite) a run folder's report.html.",
        "",
        "Draws it from the run's metrics log, results, data statistics and config; works on a run in progress "
            + "too."})
final class ReportCommand implements Callable<Integer> {

  @ParentCommand
  Main main;

  @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A run folder, e.g. runs/demo")
  Path runDir;

  @Override
  public Integer call() throws Exception {
    if (!java.nio.file.Files.isDirectory(runDir)) {
      throw new UserException("run folder " + runDir + " does not exist");
    }
    main.out.println("report: " + HtmlReport.write(runDir));
    return 0;
  }
}
