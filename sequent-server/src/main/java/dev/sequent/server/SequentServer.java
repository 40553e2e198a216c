package dev.sequent.server;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recommendation server: loads a checkpoint, restores the user-state snapshot, serves {@link HttpApi}
 * on Jetty, snapshots periodically, reloads the checkpoint on request or when its file changes, and shuts
 * down cleanly ({@link #close()}: stop taking requests, finish the queued ones, write the snapshot).
 */
public final class SequentServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SequentServer.class);

  /** What a reload did: whether the weights changed, what is served now, what was before. */
  public record ReloadResult(boolean changed, String model, String version, String previousVersion, Path checkpoint,
                             double seconds) {}

  private final ServerConfig config;
  private final Metrics metrics = new Metrics();
  private final RecommendationService service;
  private final Lanes lanes;
  private final ThreadPoolExecutor admin;
  private final ThreadPoolExecutor rebuild;
  private final ScheduledExecutorService scheduler;
  private final Server jetty;
  private final ServerConnector connector;
  private final HttpApi api;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong changes = new AtomicLong();
  private final Object snapshotLock = new Object();
  private final LongAdder reloads;
  private final LongAdder reloadFailures;
  private long changesAtLastSnapshot;
  private volatile Path checkpoint;
  private FileTime watchedTime;
  private long watchedSize = -1;

  private SequentServer(ServerConfig config, ServedModel model, StateStore store) throws IOException {
    this.config = config;
    this.checkpoint = model.checkpoint();
    this.service = new RecommendationService(model, store);
    this.lanes = new Lanes(config.workers(), config.queuePerWorker());
    this.admin = singleThread("sequent-admin", 4);
    this.rebuild = singleThread("sequent-rebuild", 1);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sequent-scheduler"));
    this.reloads = metrics.counter("sequent_model_reloads_total", "Checkpoints loaded after start-up.");
    this.reloadFailures = metrics.counter("sequent_model_reload_failures_total",
        "Reloads that failed (the previous model kept serving).");
    metrics.gauge("sequent_users", "Users whose state is held.", () -> service.store().size());
    metrics.gauge("sequent_users_max", "The bound on users held.", () -> service.store().capacity());
    metrics.gauge("sequent_user_evictions", "Users evicted (least recently used) since start.",
        () -> service.store().evictions());
    metrics.gauge("sequent_queued_requests", "Requests waiting in worker queues.", lanes::queued);
    metrics.info("sequent_model_info", "The model being served.", () -> {
      ServedModel m = service.model();
      return "model=\"" + Metrics.label(m.name()) + "\",version=\"" + Metrics.label(m.version()) + "\",items=\""
          + m.numItems() + "\"";
    });

    QueuedThreadPool pool = new QueuedThreadPool(16, 2);
    pool.setName("sequent-http");
    pool.setDaemon(true);
    jetty = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    // One acceptor and one selector: the model work runs on the lanes, so the network side needs little.
    connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(config.host());
    connector.setPort(config.port());
    connector.setIdleTimeout(30_000);
    jetty.addConnector(connector);
    jetty.addBean(new NetworkConnectionLimit(4096, jetty));
    api = new HttpApi(this, service, lanes, admin, metrics, config);
    jetty.setHandler(api);
    jetty.setErrorHandler(new JsonErrorHandler());
    jetty.setStopTimeout(config.drainMillis());
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static ThreadPoolExecutor singleThread(String name, int queue) {
    return new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> daemon(r, name),
        new ThreadPoolExecutor.AbortPolicy());
  }

  /**
   * Loads the checkpoint, restores the snapshot (if the file exists) and starts serving. Fails with a
   * message naming the file when the checkpoint or the snapshot cannot be read.
   */
  public static SequentServer start(ServerConfig config) throws IOException {
    config.validate();
    ServedModel model = ServedModel.load(Objects.requireNonNull(config.checkpoint(), "checkpoint"),
        config.titles());
    StateStore store = new InMemoryStateStore(config.maxUsers());
    if (config.snapshot() != null && Files.exists(config.snapshot())) {
      try {
        Snapshots.Stats s = Snapshots.read(config.snapshot(), model, store);
        LOG.info("restored {} users from {} ({} with their saved state, the rest replayed on first use)",
            s.users(), config.snapshot(), s.withState());
      } catch (IOException e) {
        throw new IOException("cannot restore user states from snapshot " + config.snapshot() + ": "
            + e.getMessage() + " (move the file away to start without user states)", e);
      }
    }
    SequentServer server = new SequentServer(config, model, store);
    server.startServing();
    return server;
  }

  private void startServing() throws IOException {
    try {
      jetty.start();
    } catch (Exception e) {
      shutdownExecutors();
      throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    if (config.snapshot() != null && config.snapshotIntervalSeconds() > 0) {
      long every = config.snapshotIntervalSeconds();
      scheduler.scheduleWithFixedDelay(this::periodicSnapshot, every, every, TimeUnit.SECONDS);
    }
    if (config.watchCheckpoint()) {
      rememberCheckpointFile();
      scheduler.scheduleWithFixedDelay(this::watchCheckpoint, config.watchIntervalMillis(),
          config.watchIntervalMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  public URI uri() {
    return URI.create("http://" + config.host() + ":" + port());
  }

  ServedModel model() {
    return service.model();
  }

  RecommendationService service() {
    return service;
  }

  Metrics metrics() {
    return metrics;
  }

  HttpApi api() {
    return api;
  }

  boolean isDraining() {
    return draining.get();
  }

  /** Called after every change to user states, so periodic snapshots can skip when nothing changed. */
  void stateChanged() {
    changes.incrementAndGet();
  }

  /**
   * Loads a checkpoint ({@code file}, or the one being served when null) and swaps it in. Requests already
   * running finish on the model they started with; users move to the new model as they are next used and
   * by a background sweep. A checkpoint with the same content as the served one changes nothing.
   */
  public synchronized ReloadResult reload(Path file) throws IOException {
    long t0 = System.nanoTime();
    Path target = file == null ? checkpoint : file;
    ServedModel current = service.model();
    ServedModel next;
    try {
      if (ServedModel.fingerprint(target.toAbsolutePath().normalize()).equals(current.version())) {
        checkpoint = target;
        return new ReloadResult(false, current.name(), current.version(), current.version(), current.checkpoint(),
            (System.nanoTime() - t0) / 1e9);
      }
      next = ServedModel.load(target, config.titles());
    } catch (IOException | RuntimeException e) {
      reloadFailures.increment();
      LOG.warn("reload of {} failed; still serving {}: {}", target, current.version(), e.getMessage());
      throw e;
    }
    ServedModel previous = service.swap(next);
    checkpoint = target;
    reloads.increment();
    changes.incrementAndGet();
    LOG.info("now serving {} version {} from {} (was {})", next.name(), next.version(), target, previous.version());
    try {
      rebuild.execute(() -> {
        int moved = service.moveAllUsers();
        LOG.info("rebuilt {} user states for version {}", moved, next.version());
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // A sweep is already queued; it moves every user to whatever model is current when it runs.
    }
    return new ReloadResult(true, next.name(), next.version(), previous.version(), next.checkpoint(),
        (System.nanoTime() - t0) / 1e9);
  }

  /** Waits until queued user rebuilds (after a reload) are done; for tests and benchmarks. */
  void awaitRebuild() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    while (true) {
      try {
        rebuild.execute(done::countDown);
        break;
      } catch (java.util.concurrent.RejectedExecutionException e) {
        Thread.sleep(5);
      }
    }
    done.await();
  }

  private void rememberCheckpointFile() {
    try {
      watchedTime = Files.getLastModifiedTime(checkpoint);
      watchedSize = Files.size(checkpoint);
    } catch (IOException e) {
      watchedTime = null;
      watchedSize = -1;
    }
  }

  private void watchCheckpoint() {
    try {
      Path file = checkpoint;
      if (!Files.isRegularFile(file)) {
        return;
      }
      FileTime time = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      if (time.equals(watchedTime) && size == watchedSize) {
        return;
      }
      watchedTime = time;
      watchedSize = size;
      reload(null);
    } catch (IOException | RuntimeException e) {
      // Logged by reload(); the next change of the file triggers another attempt.
    }
  }

  /** Writes the snapshot now; returns the number of users written, or -1 without a snapshot file. */
  public int snapshotNow() throws IOException {
    Snapshots.Stats s = snapshot();
    return s == null ? -1 : s.users();
  }

  /** Writes the snapshot now (null without a snapshot file). */
  Snapshots.Stats snapshot() throws IOException {
    if (config.snapshot() == null) {
      return null;
    }
    synchronized (snapshotLock) {
      long before = changes.get();
      long t0 = System.nanoTime();
      Snapshots.Stats s = Snapshots.write(config.snapshot(), service.store().users(), service.model());
      changesAtLastSnapshot = before;
      LOG.debug("snapshot of {} users ({} bytes) in {} ms", s.users(), s.bytes(), (System.nanoTime() - t0) / 1e6);
      return s;
    }
  }

  private void periodicSnapshot() {
    try {
      synchronized (snapshotLock) {
        if (changes.get() == changesAtLastSnapshot) {
          return;
        }
      }
      snapshot();
    } catch (IOException | RuntimeException e) {
      LOG.error("periodic snapshot to {} failed (will retry): {}", config.snapshot(), e.getMessage());
    }
  }

  /**
   * Shuts down cleanly: new requests get 503, queued ones finish (up to the drain time), the listener
   * closes, and the snapshot is written. Idempotent; this is what the SIGTERM hook runs.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      awaitStop();
      return;
    }
    draining.set(true);
    try {
      scheduler.shutdownNow();
      try {
        if (!lanes.drain(config.drainMillis())) {
          LOG.warn("some queued requests did not finish within {} ms", config.drainMillis());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        jetty.stop();
      } catch (Exception e) {
        LOG.warn("stopping the HTTP listener: {}", e.toString());
      }
      shutdownExecutors();
      try {
        Snapshots.Stats s = snapshot();
        if (s != null) {
          LOG.info("wrote the snapshot of {} users to {}", s.users(), config.snapshot());
        }
      } catch (IOException | RuntimeException e) {
        LOG.error("final snapshot to {} failed: {}", config.snapshot(), e.getMessage());
      }
    } finally {
      stopped.countDown();
    }
  }

  private void shutdownExecutors() {
    scheduler.shutdownNow();
    admin.shutdown();
    rebuild.shutdownNow();
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitStop() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
