package dev.sequent.bench;

import dev.sequent.core.data.AtomicFiles;
import dev.sequent.core.run.Versions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Provenance header and atomic writing of benchmark results files. */
final class Results {
  private Results() {}

  /** Markdown lines: command, commit, JDK, CPU, kernels, threads, date. */
  static String header(String program, String args, String kernels, int threads) {
    return "- Command: `java --add-modules jdk.incubator.vector -cp ... dev.sequent.bench." + program
        + (args.isEmpty() ? "" : " " + args) + "` (see the class Javadoc for the build step)\n"
        + "- Commit: " + gitCommit() + "\n"
        + "- JDK: " + System.getProperty("java.vm.name") + " " + Runtime.version() + "\n"
        + "- CPU: " + Versions.cpu() + ", " + Runtime.getRuntime().availableProcessors() + " processors\n"
        + "- Kernels: " + kernels + ", " + threads + " threads\n"
        + "- Date: " + LocalDate.now() + "\n";
  }

  /** The 1/5/15-minute load average: other processes on the 2 shared cores skew the numbers. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " / " + f[1] + " / " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  /** Short commit, "-dirty" with uncommitted changes to tracked files. */
  static String gitCommit() {
    String head = git(List.of("git", "rev-parse", "--short", "HEAD"));
    if (head == null || head.isEmpty()) {
      return "unknown";
    }
    String status = git(List.of("git", "status", "--porcelain", "--untracked-files=no"));
    return head + (status != null && !status.isEmpty() ? "-dirty" : "");
  }

  private static String git(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Writes through a temporary file and an atomic move. */
  static void write(Path file, String text) throws IOException {
    AtomicFiles.writeString(file, text);
    System.out.println("wrote " + file);
  }
}
