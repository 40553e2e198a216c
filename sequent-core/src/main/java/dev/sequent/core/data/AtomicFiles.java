package dev.sequent.core.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes files so that readers see either the old content or the complete new content, never a
 * half-written file: the data goes to a temporary file in the same directory, which is then
 * renamed over the target with {@link StandardCopyOption#ATOMIC_MOVE}.
 */
public final class AtomicFiles {
  private static final long PROCESS = ProcessHandle.current().pid();
  private static final AtomicLong COUNTER = new AtomicLong();

  /** Writes the content to a stream. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicFiles() {}

  public static void write(Path target, Content content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path directory = absolute.getParent();
    Files.createDirectories(directory);
    // Same directory as the target: a rename within one file system can be atomic.
    Path temporary = null;
    OutputStream stream = null;
    while (stream == null) {
      temporary =
          directory.resolve(
              "." + absolute.getFileName() + "." + PROCESS + "-" + COUNTER.incrementAndGet() + ".tmp");
      try {
        // CREATE_NEW (not createTempFile) so the file gets the usual permissions of the umask.
        stream = Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW);
      } catch (FileAlreadyExistsException taken) {
        // Left over from a crashed run with the same process id: try the next name.
      }
    }
    try {
      try (OutputStream out = new BufferedOutputStream(stream, 1 << 16)) {
        content.writeTo(out);
      }
      Files.move(
          temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  public static void writeString(Path target, String text) throws IOException {
    write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }
}
