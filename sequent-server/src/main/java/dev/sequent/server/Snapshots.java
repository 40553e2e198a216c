package dev.sequent.server;

import dev.sequent.core.data.AtomicFiles;
import dev.sequent.core.model.RecurrentState;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The user-state snapshot file: every user's recent items as raw ids and event count, plus the recurrent
 * state and hidden vector when they belong to the model being served. Written atomically (temporary file,
 * then a rename), so a crash leaves the previous snapshot intact.
 *
 * <p>Version 1 layout (big-endian, {@link DataOutputStream}): magic "SEQSNAP1", format version, the
 * served model's version (checkpoint fingerprint) and name, the user count; per user, least recently used
 * first: id, events, recent raw ids, then a flag and the state buffers and hidden vector; finally the
 * magic again as an end marker. The model version ties saved states to the weights that produced them: a
 * snapshot read with another checkpoint keeps each user's recent items and replays them through the new
 * model instead of using the saved states.
 */
final class Snapshots {
  static final long MAGIC = 0x534551534E415031L; // "SEQSNAP1"
  static final int FORMAT_VERSION = 1;

  private Snapshots() {}

  /** What one write or read did. */
  record Stats(int users, int withState, long bytes) {}

  /** One user's data, copied under its lock. */
  private record Saved(String id, long events, String[] recent, float[][] buffers, float[] hidden) {}

  /** Writes the snapshot of {@code users} (least recently used first) for {@code current}. */
  static Stats write(Path file, List<UserState> users, ServedModel current) throws IOException {
    int[] withState = {0};
    int[] count = {0};
    AtomicFiles.write(file, stream -> {
      DataOutputStream out = new DataOutputStream(stream);
      out.writeLong(MAGIC);
      out.writeInt(FORMAT_VERSION);
      out.writeUTF(current.version());
      out.writeUTF(current.name());
      // The count is not known until every user is copied (some may be dropped meanwhile), so each user
      // record is preceded by a 1 and the list ends with a 0.
      for (UserState user : users) {
        Saved s = copy(user, current);
        if (s == null) {
          continue;
        }
        out.writeByte(1);
        out.writeUTF(s.id);
        out.writeLong(s.events);
        out.writeInt(s.recent.length);
        for (String raw : s.recent) {
          out.writeUTF(raw);
        }
        out.writeBoolean(s.buffers != null);
        if (s.buffers != null) {
          withState[0]++;
          out.writeInt(s.buffers.length);
          for (float[] b : s.buffers) {
            writeFloats(out, b);
          }
          writeFloats(out, s.hidden == null ? new float[0] : s.hidden);
        }
        count[0]++;
      }
      out.writeByte(0);
      out.writeInt(count[0]);
      out.writeLong(MAGIC);
      out.flush();
    });
    return new Stats(count[0], withState[0], Files.size(file));
  }

  private static Saved copy(UserState user, ServedModel current) {
    synchronized (user) {
      if (user.isRemoved()) {
        return null;
      }
      float[][] buffers = null;
      float[] hidden = null;
      RecurrentState state = user.recurrentState();
      if (user.model() == current && state != null) {
        buffers = state.copy().buffers();
        float[] h = user.cachedHidden();
        hidden = h == null ? null : h.clone();
      }
      return new Saved(user.id, user.events(), user.recentRawIds(), buffers, hidden);
    }
  }

  private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
    out.writeInt(values.length);
    for (float v : values) {
      out.writeFloat(v);
    }
  }

  /**
   * Reads a snapshot into {@code store}, restoring saved states when the snapshot was written for
   * {@code current}'s weights and otherwise keeping the recent items to replay on first use.
   */
  static Stats read(Path file, ServedModel current, StateStore store) throws IOException {
    try (InputStream is = Files.newInputStream(file);
         DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16))) {
      if (in.readLong() != MAGIC) {
        throw new IOException(file + " is not a Sequent user-state snapshot");
      }
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw new IOException(file + " is snapshot format " + version + "; this server reads format "
            + FORMAT_VERSION);
      }
      String modelVersion = in.readUTF();
      String modelName = in.readUTF();
      boolean sameWeights = modelVersion.equals(current.version()) && modelName.equals(current.name());
      int users = 0;
      int withState = 0;
      while (in.readByte() == 1) {
        String id = in.readUTF();
        long events = in.readLong();
        String[] recent = new String[in.readInt()];
        for (int i = 0; i < recent.length; i++) {
          recent[i] = in.readUTF();
        }
        float[][] buffers = null;
        float[] hidden = null;
        if (in.readBoolean()) {
          buffers = new float[in.readInt()][];
          for (int i = 0; i < buffers.length; i++) {
            buffers[i] = readFloats(in);
          }
          hidden = readFloats(in);
        }
        UserState user = UserState.restored(id, events, recent);
        if (sameWeights && buffers != null && restoreExact(user, current, recent, buffers, hidden)) {
          withState++;
        }
        store.put(user);
        users++;
      }
      int written = in.readInt();
      if (written != users || in.readLong() != MAGIC) {
        throw new IOException(file + " is damaged: the end marker does not match (" + users + " users read, "
            + written + " recorded)");
      }
      return new Stats(users, withState, Files.size(file));
    } catch (EOFException e) {
      throw new IOException(file + " is truncated", e);
    }
  }

  /** Puts the saved state back as is; false (leaving the user to be replayed) if anything does not fit. */
  private static boolean restoreExact(UserState user, ServedModel model, String[] recent, float[][] buffers,
                                      float[] hidden) {
    if (!model.isIncremental() || hidden.length != model.dim()) {
      return false;
    }
    RecurrentState fresh = model.initialState();
    if (fresh.buffers().length != buffers.length) {
      return false;
    }
    for (int i = 0; i < buffers.length; i++) {
      if (fresh.buffer(i).length != buffers[i].length) {
        return false;
      }
    }
    int[] items = new int[recent.length];
    for (int i = 0; i < recent.length; i++) {
      items[i] = model.indexOf(recent[i]);
      if (items[i] < 1) {
        return false;
      }
    }
    synchronized (user) {
      user.restoreExact(model, items, new RecurrentState(buffers), items.length == 0 ? null : hidden);
    }
    return true;
  }

  private static float[] readFloats(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > (1 << 24)) {
      throw new IOException("implausible vector length " + n);
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = in.readFloat();
    }
    return v;
  }
}
