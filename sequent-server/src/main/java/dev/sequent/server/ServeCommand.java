package dev.sequent.server;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sequent serve}: the HTTP recommendation server. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve recommendations over HTTP from a checkpoint, with per-user incremental state.",
        "Endpoints: POST /v1/recommend, POST /v1/users/{id}/events, GET /v1/users/{id}/recommendations, "
            + "DELETE /v1/users/{id}, POST /v1/admin/reload, GET /health, GET /metrics.",
        "Stops cleanly on SIGTERM or Ctrl-C (queued requests finish, the user-state snapshot is written)."})
public final class ServeCommand implements Callable<Integer> {

  @Option(names = "--checkpoint", required = true, paramLabel = "FILE",
      description = "Checkpoint written by a training run, e.g. runs/lrurec-ml1m/best.ckpt")
  Path checkpoint;

  @Option(names = "--port", defaultValue = "8080",
      description = "TCP port (0: any free port). Default: ${DEFAULT-VALUE}")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address to bind. Default: ${DEFAULT-VALUE} (the admin endpoint has no authentication)")
  String host;

  @Option(names = "--titles", paramLabel = "FILE",
      description = "Item titles (movies.dat, movies.csv or item<TAB>title); default: the run's data.titles")
  Path titles;

  @Option(names = "--snapshot", paramLabel = "FILE",
      description = "User-state snapshot, read at start and written periodically and at shutdown. "
          + "Default: users.snapshot beside the checkpoint; 'none' to disable")
  String snapshot;

  @Option(names = "--snapshot-interval", defaultValue = "60", paramLabel = "SECONDS",
      description = "Seconds between snapshots when states changed (0: only at shutdown). Default: ${DEFAULT-VALUE}")
  long snapshotInterval;

  @Option(names = "--max-users", defaultValue = "100000",
      description = "Users held in memory; the least recently used is evicted beyond this. Default: ${DEFAULT-VALUE}")
  int maxUsers;

  @Option(names = "--watch", description = "Reload the checkpoint when its file changes")
  boolean watch;

  @Option(names = "--workers", description = "Worker lanes (default: one per core, at least 2)")
  Integer workers;

  @Option(names = "--queue", defaultValue = "256",
      description = "Requests that may wait per worker before new ones get 503. Default: ${DEFAULT-VALUE}")
  int queue;

  @Option(names = "--max-body", defaultValue = "65536", paramLabel = "BYTES",
      description = "Largest request body accepted. Default: ${DEFAULT-VALUE}")
  int maxBody;

  @Option(names = "--max-k", defaultValue = "1000", description = "Largest k accepted. Default: ${DEFAULT-VALUE}")
  int maxK;

  /** The running server once started (tests stop it with {@link SequentServer#close()}, as SIGTERM does). */
  volatile SequentServer server;

  @Override
  public Integer call() throws Exception {
    // Log lines with a timestamp; Jetty's own start/stop lines only at WARN. Settings given with -D win.
    defaultProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
    defaultProperty("org.slf4j.simpleLogger.showDateTime", "true");
    defaultProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    ServerConfig.Builder b = ServerConfig.builder(checkpoint).host(host).port(port).titles(titles)
        .maxUsers(maxUsers).snapshotIntervalSeconds(snapshotInterval).watchCheckpoint(watch).queuePerWorker(queue)
        .maxBodyBytes(maxBody).maxK(maxK);
    if (workers != null) {
      b.workers(workers);
    }
    Path snapshotFile = snapshotFile();
    b.snapshot(snapshotFile);
    SequentServer server = SequentServer.start(b.build());
    // SIGTERM and Ctrl-C run the hooks: close() finishes queued requests and writes the snapshot.
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "sequent-shutdown"));
    ServedModel m = server.model();
    System.out.println("serving " + m.name() + " (version " + m.version() + ", " + m.numItems() + " items) from "
        + m.checkpoint());
    System.out.println("titles: " + m.titlesNote());
    System.out.println("user states: " + server.service().store().size() + " held, "
        + (snapshotFile == null ? "not snapshotted" : "snapshot " + snapshotFile)
        + (watch ? "; reloading when the checkpoint changes" : ""));
    System.out.println("listening on " + server.uri() + " (Ctrl-C or SIGTERM to stop)");
    System.out.flush();
    this.server = server;
    server.awaitStop();
    return 0;
  }

  private static void defaultProperty(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  private Path snapshotFile() {
    if (snapshot == null) {
      Path dir = checkpoint.toAbsolutePath().getParent();
      return dir.resolve("users.snapshot");
    }
    return snapshot.equalsIgnoreCase("none") ? null : Path.of(snapshot);
  }
}
