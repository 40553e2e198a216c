package dev.sequent.core.train;

import dev.sequent.core.data.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A self-contained, versioned checkpoint: metadata (the resolved config, data fingerprint, versions),
 * named parameter arrays, and named binary sections (vocabulary, optimizer state, trainer state, ...).
 *
 * <p>Layout: magic "SEQCKPT1", format version, then metadata as key/value strings, parameters as
 * (name, length, floats), sections as (name, length, bytes). Written to a temporary file in the same folder
 * and moved into place atomically, so a crash never leaves a half-written checkpoint.
 */
public final class Checkpoint {
  private static final long MAGIC = 0x534551434B505431L; // "SEQCKPT1"
  public static final int FORMAT_VERSION = 1;

  private final Map<String, String> metadata;
  private final Map<String, float[]> parameters;
  private final Map<String, byte[]> sections;

  public Checkpoint(Map<String, String> metadata, Map<String, float[]> parameters, Map<String, byte[]> sections) {
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    this.sections = Collections.unmodifiableMap(new LinkedHashMap<>(sections));
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  /** A metadata value, or a clear error naming the key. */
  public String require(String key) {
    String v = metadata.get(key);
    if (v == null) {
      throw new IllegalArgumentException("checkpoint has no '" + key + "' entry");
    }
    return v;
  }

  public Map<String, float[]> parameters() {
    return parameters;
  }

  public Map<String, byte[]> sections() {
    return sections;
  }

  /** A binary section, or null. */
  public byte[] section(String name) {
    return sections.get(name);
  }

  /** Writes atomically: temporary file in the target's folder, then a move over the target. */
  public void write(Path file) throws IOException {
    AtomicFiles.write(file, stream -> {
      DataOutputStream out = new DataOutputStream(stream);
      writeTo(out);
      out.flush();
    });
  }

  private void writeTo(DataOutputStream out) throws IOException {
    out.writeLong(MAGIC);
    out.writeInt(FORMAT_VERSION);
    out.writeInt(metadata.size());
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      writeString(out, e.getKey());
      writeString(out, e.getValue());
    }
    out.writeInt(parameters.size());
    for (Map.Entry<String, float[]> e : parameters.entrySet()) {
      writeString(out, e.getKey());
      float[] v = e.getValue();
      out.writeInt(v.length);
      byte[] bytes = new byte[v.length * 4];
      java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().put(v);
      out.write(bytes);
    }
    out.writeInt(sections.size());
    for (Map.Entry<String, byte[]> e : sections.entrySet()) {
      writeString(out, e.getKey());
      out.writeInt(e.getValue().length);
      out.write(e.getValue());
    }
  }

  /** Reads a checkpoint; errors name the file and what is wrong with it. */
  public static Checkpoint read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("checkpoint " + file + " does not exist");
    }
    try (InputStream is = Files.newInputStream(file);
         DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16))) {
      if (in.readLong() != MAGIC) {
        throw new IOException(file + " is not a Sequent checkpoint");
      }
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw new IOException(file + " has checkpoint format " + version + "; this Sequent reads format "
            + FORMAT_VERSION);
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        metadata.put(readString(in), readString(in));
      }
      Map<String, float[]> parameters = new LinkedHashMap<>();
      n = in.readInt();
      for (int i = 0; i < n; i++) {
        String name = readString(in);
        float[] v = new float[in.readInt()];
        byte[] bytes = new byte[v.length * 4];
        in.readFully(bytes);
        java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().get(v);
        parameters.put(name, v);
      }
      Map<String, byte[]> sections = new LinkedHashMap<>();
      n = in.readInt();
      for (int i = 0; i < n; i++) {
        String name = readString(in);
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        sections.put(name, bytes);
      }
      return new Checkpoint(metadata, parameters, sections);
    } catch (EOFException e) {
      throw new IOException(file + " is truncated (an interrupted copy?)", e);
    }
  }

  // Strings may be longer than writeUTF's 64 KB limit (a resolved config), so values carry an int length.
  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Helpers for sections written with DataOutput. */
  public interface SectionWriter {
    void write(DataOutputStream out) throws IOException;
  }

  public static byte[] bytes(SectionWriter writer) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bos)) {
      writer.write(out);
    } catch (IOException e) {
      throw new IllegalStateException("in-memory write failed", e);
    }
    return bos.toByteArray();
  }

  public static DataInputStream reader(byte[] section) {
    return new DataInputStream(new ByteArrayInputStream(section));
  }
}
