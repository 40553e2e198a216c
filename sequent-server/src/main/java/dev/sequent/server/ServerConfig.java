package dev.sequent.server;

import java.nio.file.Path;

/**
 * The server's settings. {@link #builder(Path)} starts from the defaults; {@link #validate()} checks the
 * ranges with messages that say what to change.
 *
 * @param host address to bind (loopback by default: the admin endpoint has no authentication)
 * @param port TCP port; 0 lets the OS choose (tests)
 * @param checkpoint the checkpoint to serve
 * @param titles item titles file overriding the run's {@code data.titles}, or null
 * @param maxUsers users held in memory before the least recently used is evicted
 * @param snapshot the user-state snapshot file, or null for none
 * @param snapshotIntervalSeconds seconds between periodic snapshots (0: only at shutdown)
 * @param watchCheckpoint reload when the checkpoint file changes
 * @param watchIntervalMillis how often to look at the checkpoint file
 * @param workers lanes that run requests (each user always on the same lane)
 * @param queuePerWorker requests that may wait per lane before new ones get 503
 * @param maxBodyBytes larger request bodies get 400
 * @param maxK largest k accepted
 * @param drainMillis how long shutdown waits for queued requests
 */
public record ServerConfig(String host, int port, Path checkpoint, Path titles, int maxUsers, Path snapshot,
                           long snapshotIntervalSeconds, boolean watchCheckpoint, long watchIntervalMillis,
                           int workers, int queuePerWorker, int maxBodyBytes, int maxK, long drainMillis) {

  public static Builder builder(Path checkpoint) {
    return new Builder(checkpoint);
  }

  public ServerConfig validate() {
    require(port >= 0 && port <= 65535, "port must be in 0..65535, got " + port);
    require(maxUsers >= 1, "max users must be at least 1, got " + maxUsers);
    require(snapshotIntervalSeconds >= 0, "snapshot interval must be >= 0 seconds, got " + snapshotIntervalSeconds);
    require(watchIntervalMillis >= 10, "watch interval must be at least 10 ms, got " + watchIntervalMillis);
    require(workers >= 1 && workers <= 256, "workers must be in 1..256, got " + workers);
    require(queuePerWorker >= 1, "queue per worker must be at least 1, got " + queuePerWorker);
    require(maxBodyBytes >= 64, "max body must be at least 64 bytes, got " + maxBodyBytes);
    require(maxK >= 1, "max k must be at least 1, got " + maxK);
    require(drainMillis >= 0, "drain time must be >= 0, got " + drainMillis);
    return this;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Defaults: 127.0.0.1:8080, 100k users, snapshots every 60 s when a file is given, one worker per core. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8080;
    private final Path checkpoint;
    private Path titles;
    private int maxUsers = 100_000;
    private Path snapshot;
    private long snapshotIntervalSeconds = 60;
    private boolean watchCheckpoint;
    private long watchIntervalMillis = 2000;
    private int workers = Math.max(2, Runtime.getRuntime().availableProcessors());
    private int queuePerWorker = 256;
    private int maxBodyBytes = 64 * 1024;
    private int maxK = 1000;
    private long drainMillis = 10_000;

    private Builder(Path checkpoint) {
      this.checkpoint = checkpoint;
    }

    public Builder host(String v) {
      host = v;
      return this;
    }

    public Builder port(int v) {
      port = v;
      return this;
    }

    public Builder titles(Path v) {
      titles = v;
      return this;
    }

    public Builder maxUsers(int v) {
      maxUsers = v;
      return this;
    }

    public Builder snapshot(Path v) {
      snapshot = v;
      return this;
    }

    public Builder snapshotIntervalSeconds(long v) {
      snapshotIntervalSeconds = v;
      return this;
    }

    public Builder watchCheckpoint(boolean v) {
      watchCheckpoint = v;
      return this;
    }

    public Builder watchIntervalMillis(long v) {
      watchIntervalMillis = v;
      return this;
    }

    public Builder workers(int v) {
      workers = v;
      return this;
    }

    public Builder queuePerWorker(int v) {
      queuePerWorker = v;
      return this;
    }

    public Builder maxBodyBytes(int v) {
      maxBodyBytes = v;
      return this;
    }

    public Builder maxK(int v) {
      maxK = v;
      return this;
    }

    public Builder drainMillis(long v) {
      drainMillis = v;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(host, port, checkpoint, titles, maxUsers, snapshot, snapshotIntervalSeconds,
          watchCheckpoint, watchIntervalMillis, workers, queuePerWorker, maxBodyBytes, maxK, drainMillis).validate();
    }
  }
}
