package dev.sequent.core.data;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Opens text files, decompressing gzip transparently. */
public final class TextFiles {
  private static final int BUFFER_SIZE = 1 << 16;

  private TextFiles() {}

  /**
   * Opens {@code file} for reading as text. The file is treated as gzip when its name ends with
   * {@code .gz} or when it starts with the gzip magic bytes (1f 8b), so a compressed file that was
   * renamed still works.
   */
  public static BufferedReader open(Path file, Charset charset) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER_SIZE);
    try {
      InputStream in = raw;
      if (file.getFileName().toString().endsWith(".gz") || startsWithGzipMagic(raw)) {
        in = new GZIPInputStream(raw, BUFFER_SIZE);
      }
      return new BufferedReader(new InputStreamReader(in, charset), BUFFER_SIZE);
    } catch (ZipException e) {
      raw.close();
      throw new IOException(file + ": not a valid gzip file (" + e.getMessage() + ")", e);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** True when the stream starts with the gzip magic bytes; the stream position is unchanged. */
  static boolean startsWithGzipMagic(InputStream in) throws IOException {
    in.mark(2);
    int first = in.read();
    int second = in.read();
    in.reset();
    return first == 0x1f && second == 0x8b;
  }

  /** Removes a trailing carriage return, so files with Windows line ends parse like the others. */
  static String stripCarriageReturn(String line) {
    int n = line.length();
    return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line;
  }
}
