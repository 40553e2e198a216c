package dev.sequent.core.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The Sequent version, the git commit of the working tree and the CPU, for provenance in run folders. */
public final class Versions {
  private static final String VERSION = "0.1.0-SNAPSHOT";
  private static String commit;
  private static String cpu;

  private Versions() {}

  public static String sequent() {
    return VERSION;
  }

  /** Short commit hash, with "-dirty" when the tree has uncommitted changes; "unknown" outside git. */
  public static synchronized String gitCommit() {
    if (commit == null) {
      String head = git("rev-parse", "--short", "HEAD");
      if (head == null || head.isEmpty()) {
        commit = "unknown";
      } else {
        String status = git("status", "--porcelain", "--untracked-files=no");
        commit = head + (status != null && !status.isEmpty() ? "-dirty" : "");
      }
    }
    return commit;
  }

  /**
   * The CPU model from /proc/cpuinfo, marked "(AVX-512)" when the CPU has it (the vector kernels' speed
   * depends on it); the architecture name elsewhere. Speeds are only comparable on the same CPU.
   */
  public static synchronized String cpu() {
    if (cpu == null) {
      cpu = readCpu();
    }
    return cpu;
  }

  private static String readCpu() {
    try {
      String info = Files.readString(Path.of("/proc/cpuinfo"));
      for (String line : info.split("\n")) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim() + (info.contains(" avx512f") ? " (AVX-512)" : "");
        }
      }
    } catch (IOException e) {
      // Not Linux: fall through.
    }
    return System.getProperty("os.arch");
  }

  private static String git(String... args) {
    String[] command = new String[args.length + 1];
    command[0] = "git";
    System.arraycopy(args, 0, command, 1, args.length);
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      // The launcher names the repository root, so the commit is found from any working directory.
      String home = System.getProperty("sequent.home");
      if (home != null && !home.isBlank()) {
        builder.directory(new java.io.File(home));
      }
      Process p = builder.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      return new String(out, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
