package dev.sequent.bench;

import com.sun.net.httpserver.HttpServer;
import dev.sequent.core.infer.Recommender;
import dev.sequent.core.model.RecurrentState;
import dev.sequent.server.ServerConfig;
import dev.sequent.server.SequentServer;
import dev.sequent.server.ServingPath;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The serving benchmark: the in-process cost of one incremental LRURec event plus top-10, and the
 * server's HTTP latency and throughput on loopback for a mix of events and recommendations.
 *
 * <pre>
 *   mvn -q -pl bench -am compile org.apache.maven.plugins:maven-dependency-plugin:3.6.1:build-classpath \
 *       -Dmdep.outputFile=target/cp.txt
 *   java --add-modules jdk.incubator.vector -cp "bench/target/classes:$(cat bench/target/cp.txt)" \
 *       dev.sequent.bench.ServerBench /tmp/lru-ckpt/best.ckpt [--seconds 8] [--connections 1,4,16,64]
 * </pre>
 *
 * The checkpoint should be an ML-1M LRURec run (accuracy does not matter). Sections:
 * <ol>
 *   <li>In-process: core's {@code LruRec.step} (tensor ops) + {@code Recommender.topK} against the
 *       server's path ({@code LruRecStepper} + {@code Recommender.topItems}, the same scan without raw ids),
 *       per call, median and p99.</li>
 *   <li>HTTP library: the same trivial JSON endpoint on Jetty and on the JDK's built-in server, driven by
 *       the same client: the measured reason for the library choice.</li>
 *   <li>Server: 50% {@code POST /v1/users/{u}/events}, 50% {@code GET /v1/users/{u}/recommendations?k=10}
 *       over 10,000 users, closed loop with N keep-alive connections (a Java client with a bounded number
 *       of requests in flight), and with {@code wrk} when it is installed.</li>
 * </ol>
 * Client and server share the 2 cores, so the figures are a floor for a server with the machine to
 * itself. Writes bench/results/server.md (or {@code --out FILE}) atomically.
 */
public final class ServerBench {
  private static final int USERS = 10_000;

  private ServerBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args[0].startsWith("--")) {
      System.err.println("usage: ServerBench CHECKPOINT [--seconds N] [--connections 1,4,16] [--out FILE]"
          + " [--no-wrk]");
      System.exit(2);
    }
    Path checkpoint = Path.of(args[0]);
    int seconds = 8;
    int[] connections = {1, 4, 16, 64};
    Path out = Path.of(Files.isDirectory(Path.of("bench")) ? "bench/results/server.md" : "results/server.md");
    boolean wrk = true;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--connections" -> connections = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt)
            .toArray();
        case "--out" -> out = Path.of(args[++i]);
        case "--no-wrk" -> wrk = false;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    wrk = wrk && onPath("wrk");
    String loadBefore = loadAverage();
    StringBuilder md = new StringBuilder("# Server benchmark\n\n");
    md.append(Results.header("ServerBench", String.join(" ", args), "vector API "
        + (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() ? "on" : "off"),
        Runtime.getRuntime().availableProcessors()));
    md.append("- Checkpoint: ").append(checkpoint).append('\n');
    md.append("- Load average before: ").append(loadBefore).append(" (1, 5, 15 min; other work shares these 2 cores)\n");

    ServingPath path = ServingPath.load(checkpoint);
    md.append("- Model: ").append(path.modelName()).append(", ").append(path.numItems()).append(" items, d = ")
        .append(path.dim()).append(", window ").append(path.maxLength()).append("\n\n");
    md.append(inProcess(checkpoint, path));
    md.append(libraries(seconds));
    md.append(serverRuns(checkpoint, path, seconds, connections, wrk));
    md.append("\nLoad average after: ").append(loadAverage()).append('\n');
    System.out.println(md);
    Results.write(out, md.toString());
  }

  // ------------------------------------------------------------------------------------------ in-process

  private static String inProcess(Path checkpoint, ServingPath path) throws IOException {
    if (!path.isIncremental()) {
      return "## In-process\n\n(skipped: " + path.modelName() + " has no incremental state)\n\n";
    }
    Recommender core = Recommender.load(checkpoint);
    SplittableRandom rnd = new SplittableRandom(7);
    int n = path.numItems();
    int d = path.dim();
    float[] hidden = new float[d];
    int[] none = new int[0];

    // Core's path: tensor ops on [1, 1, d] per step; top-K as a list of Scored records with raw ids.
    RecurrentState coreState = core.initialState();
    Stats coreStep = time(20_000, () -> core.advance(coreState, 1 + rnd.nextInt(n)));
    float[] coreHidden = core.advance(coreState, 1);
    Stats coreTop = time(20_000, () -> core.topK(coreHidden, 10, null));
    Stats coreBoth = time(20_000, () -> core.topK(core.advance(coreState, 1 + rnd.nextInt(n)), 10, null));

    RecurrentState state = path.initialState();
    Stats step = time(200_000, () -> path.step(state, 1 + rnd.nextInt(n), hidden));
    Stats top = time(200_000, () -> path.topK(hidden, 10, none));
    Stats both = time(200_000, () -> {
      path.step(state, 1 + rnd.nextInt(n), hidden);
      path.topK(hidden, 10, none);
    });
    int[] window = rnd.ints(path.maxLength(), 1, n + 1).toArray();
    Stats encode = time(300, () -> path.encode(window));

    StringBuilder sb = new StringBuilder("## In-process: one event + top-10\n\n");
    sb.append("Per call on one thread, after warm-up; median and p99 of single-call times (µs). The server's ")
        .append("path is LruRecStepper + Recommender.topItems (the blocked vector scan and a heap); core's is ")
        .append("LruRec.step (tensor ops) + Recommender.topK (the same scan, as records with raw ids). ")
        .append("Target: step + top-10 under 100 µs (product goal 20 µs).\n\n");
    sb.append("| what | path | median µs | p99 µs |\n|---|---|---|---|\n");
    sb.append(row("incremental step", "core LruRec.step", coreStep));
    sb.append(row("incremental step", "server LruRecStepper", step));
    sb.append(row("top-10 over " + n + " items", "core Recommender.topK", coreTop));
    sb.append(row("top-10 over " + n + " items", "server Recommender.topItems", top));
    sb.append(row("**step + top-10**", "core", coreBoth));
    sb.append(row("**step + top-10**", "**server**", both));
    sb.append(row("full re-encode of a " + path.maxLength() + "-item window", "ModelScorer.encodeLast", encode));
    return sb.append('\n').toString();
  }

  private static String row(String what, String path, Stats s) {
    return String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f |%n", what, path, s.median / 1e3, s.p99 / 1e3);
  }

  /** Median and p99 of per-call times (ns) after a warm-up of the same length. */
  record Stats(double median, double p99) {}

  private static Stats time(int calls, Runnable op) {
    for (int i = 0; i < calls; i++) {
      op.run();
    }
    long[] t = new long[calls];
    for (int i = 0; i < calls; i++) {
      long t0 = System.nanoTime();
      op.run();
      t[i] = System.nanoTime() - t0;
    }
    Arrays.sort(t);
    return new Stats(t[calls / 2], t[(int) (calls * 0.99)]);
  }

  // ------------------------------------------------------------------------------------------ libraries

  /** The same trivial endpoint on Jetty (as the server uses it) and on the JDK's HTTP server. */
  private static String libraries(int seconds) throws Exception {
    byte[] reply = "{\"items\":[{\"item\":\"2858\",\"score\":1.5}],\"unknown_items\":[]}\n"
        .getBytes(StandardCharsets.UTF_8);
    int connections = 4;
    StringBuilder sb = new StringBuilder("## HTTP library: a trivial JSON endpoint\n\n");
    sb.append("`GET /x` answering a fixed 60-byte JSON body; Java client, ").append(connections)
        .append(" keep-alive connections, ").append(seconds).append(" s after ").append(warmup(seconds))
        .append(" s warm-up. Jetty: non-blocking handler answering on the network thread. JDK: ")
        .append("`com.sun.net.httpserver` with a bounded 2-thread pool and `sun.net.httpserver.nodelay=true` ")
        .append("(without it, Nagle's algorithm adds ~40 ms stalls on keep-alive).\n\n");
    sb.append("| server | requests/s | p50 µs | p99 µs | errors |\n|---|---|---|---|---|\n");

    QueuedThreadPool pool = new QueuedThreadPool(16, 2);
    pool.setDaemon(true);
    Server jetty = new Server(pool);
    ServerConnector connector = new ServerConnector(jetty, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    jetty.setHandler(new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                            org.eclipse.jetty.util.Callback callback) {
        response.getHeaders().put("Content-Type", "application/json");
        response.write(true, ByteBuffer.wrap(reply), callback);
        return true;
      }
    });
    jetty.start();
    try {
      Load.Result r = Load.run("127.0.0.1", connector.getLocalPort(), connections, warmup(seconds), seconds,
          (rnd, kind) -> Load.get("/x"));
      sb.append(libraryRow("Jetty 12.1 (core API)", r));
    } finally {
      jetty.stop();
    }

    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer jdk = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
    ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256));
    jdk.setExecutor(executor);
    jdk.createContext("/x", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, reply.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(reply);
      }
    });
    jdk.start();
    try {
      Load.Result r = Load.run("127.0.0.1", jdk.getAddress().getPort(), connections, warmup(seconds), seconds,
          (rnd, kind) -> Load.get("/x"));
      sb.append(libraryRow("JDK com.sun.net.httpserver", r));
    } finally {
      jdk.stop(0);
      executor.shutdownNow();
    }
    return sb.append('\n').toString();
  }

  private static int warmup(int seconds) {
    return Math.max(2, seconds / 3);
  }

  private static String libraryRow(String name, Load.Result r) {
    return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %d |%n", name, r.throughput(),
        r.percentile(-1, 0.5) / 1e3, r.percentile(-1, 0.99) / 1e3, r.errors());
  }

  // ------------------------------------------------------------------------------------------ server

  private static String serverRuns(Path checkpoint, ServingPath path, int seconds, int[] connections, boolean wrk)
      throws Exception {
    StringBuilder sb = new StringBuilder("## Server: events + recommendations over HTTP\n\n");
    sb.append("`sequent serve` in this JVM (2 worker lanes, no snapshot file), ").append(USERS)
        .append(" users with 20 events each beforehand; each request is, with equal odds, `POST ")
        .append("/v1/users/{u}/events {\"item\": i}` or `GET /v1/users/{u}/recommendations?k=10` for a ")
        .append("random user and item. Closed loop: each connection sends its next request when the ")
        .append("previous answer arrives. ").append(seconds).append(" s per row after ").append(warmup(seconds))
        .append(" s warm-up. Targets: p50 under 1 ms, at least 5,000 requests/s.\n\n");
    List<String> raw = new ArrayList<>();
    for (int i = 1; i <= path.numItems(); i++) {
      raw.add(path.rawId(i));
    }
    try (SequentServer server = SequentServer.start(ServerConfig.builder(checkpoint).port(0).snapshot(null)
        .maxUsers(2 * USERS).build())) {
      int port = server.port();
      populate(port, raw);
      sb.append("Java client (one thread and one connection per concurrent request):\n\n");
      sb.append("| connections | requests/s | p50 µs | p90 µs | p99 µs | events p50 / p99 µs "
          + "| recommendations p50 / p99 µs | errors |\n|---|---|---|---|---|---|---|---|\n");
      for (int c : connections) {
        Load.Result r = Load.run("127.0.0.1", port, c, warmup(seconds), seconds, (rnd, kind) -> mixed(rnd, kind,
            raw));
        sb.append(String.format(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | %.0f | %.0f / %.0f | %.0f / %.0f | %d |%n",
            c, r.throughput(), r.percentile(-1, 0.5) / 1e3, r.percentile(-1, 0.9) / 1e3,
            r.percentile(-1, 0.99) / 1e3, r.percentile(0, 0.5) / 1e3, r.percentile(0, 0.99) / 1e3,
            r.percentile(1, 0.5) / 1e3, r.percentile(1, 0.99) / 1e3, r.errors()));
        System.out.println("java client, " + c + " connections: " + r.throughput() + " req/s");
      }
      if (wrk) {
        sb.append("\n`wrk` (C, one thread; its Lua script picks the request the same way):\n\n");
        sb.append("| connections | requests/s | p50 µs | p90 µs | p99 µs | non-2xx |\n|---|---|---|---|---|---|\n");
        Path script = writeWrkScript(raw);
        for (int c : connections) {
          sb.append(runWrk(port, c, seconds, script));
        }
      } else {
        sb.append("\n(`wrk` not installed: `apt-get install -y wrk` adds a second, C load generator.)\n");
      }
    }
    return sb.toString();
  }

  /** Events first, so every user has a state to recommend from. */
  private static void populate(int port, List<String> raw) throws IOException {
    SplittableRandom rnd = new SplittableRandom(1);
    try (Load.Connection c = new Load.Connection("127.0.0.1", port)) {
      for (int u = 0; u < USERS; u++) {
        StringBuilder body = new StringBuilder("{\"items\":[");
        for (int i = 0; i < 20; i++) {
          body.append(i == 0 ? "" : ",").append('"').append(raw.get(rnd.nextInt(raw.size()))).append('"');
        }
        int status = c.exchange(Load.post("/v1/users/u" + u + "/events", body.append("]}").toString()));
        if (status != 200) {
          throw new IOException("populating user " + u + " answered " + status);
        }
      }
    }
  }

  private static byte[] mixed(SplittableRandom rnd, int[] kind, List<String> raw) {
    int user = rnd.nextInt(USERS);
    if (rnd.nextBoolean()) {
      kind[0] = 0;
      return Load.post("/v1/users/u" + user + "/events", "{\"item\":\"" + raw.get(rnd.nextInt(raw.size())) + "\"}");
    }
    kind[0] = 1;
    return Load.get("/v1/users/u" + user + "/recommendations?k=10");
  }

  private static Path writeWrkScript(List<String> raw) throws IOException {
    StringBuilder lua = new StringBuilder("-- written by ServerBench\nlocal items = {");
    for (int i = 0; i < raw.size(); i++) {
      lua.append(i == 0 ? "" : ",").append('"').append(raw.get(i)).append('"');
    }
    lua.append("}\nlocal users = ").append(USERS).append('\n');
    lua.append("""
        local headers = {["Content-Type"] = "application/json"}
        math.randomseed(42)
        request = function()
          local u = math.random(0, users - 1)
          if math.random() < 0.5 then
            local body = '{"item":"' .. items[math.random(1, #items)] .. '"}'
            return wrk.format("POST", "/v1/users/u" .. u .. "/events", headers, body)
          end
          return wrk.format("GET", "/v1/users/u" .. u .. "/recommendations?k=10")
        end
        """);
    Path script = Files.createTempFile("serverbench", ".lua");
    Files.writeString(script, lua.toString());
    script.toFile().deleteOnExit();
    return script;
  }

  private static String runWrk(int port, int connections, int seconds, Path script) throws Exception {
    // A warm-up run, then the measured one.
    wrk(port, connections, warmup(seconds), script);
    String out = wrk(port, connections, seconds, script);
    double rps = number(out, "Requests/sec:\\s+([0-9.]+)");
    double p50 = micros(out, "50%");
    double p90 = micros(out, "90%");
    double p99 = micros(out, "99%");
    Matcher bad = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(out);
    String non2xx = bad.find() ? bad.group(1) : "0";
    System.out.println("wrk, " + connections + " connections: " + rps + " req/s");
    return String.format(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | %.0f | %s |%n", connections, rps, p50, p90, p99,
        non2xx);
  }

  private static String wrk(int port, int connections, int seconds, Path script) throws Exception {
    Process p = new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--latency",
        "-s", script.toString(), "http://127.0.0.1:" + port).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("wrk failed:\n" + out);
    }
    return out;
  }

  private static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  /** A wrk latency percentile line ("50%  412.00us", "99%    1.20ms") in µs. */
  private static double micros(String text, String percentile) {
    Matcher m = Pattern.compile("\\s" + Pattern.quote(percentile) + "\\s+([0-9.]+)(us|ms|s)").matcher(text);
    if (!m.find()) {
      return Double.NaN;
    }
    double v = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> v;
      case "ms" -> v * 1e3;
      default -> v * 1e6;
    };
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  // ------------------------------------------------------------------------------------------ load client

  /**
   * A closed-loop HTTP/1.1 load generator: one thread and one keep-alive connection per concurrent
   * request, so at most {@code connections} requests are in flight. Minimal parsing (status line,
   * Content-Length), no allocation beyond the request bytes.
   */
  static final class Load {
    /** Builds the next request; sets kind[0] to a request class (for per-class percentiles). */
    interface Source {
      byte[] next(SplittableRandom rnd, int[] kind);
    }

    static byte[] get(String path) {
      return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] post(String path, String json) {
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] all = Arrays.copyOf(head, head.length + body.length);
      System.arraycopy(body, 0, all, head.length, body.length);
      return all;
    }

    /** Latencies (ns) per request class, the count of errors, and the measured window. */
    record Result(long[][] latencies, long errors, double seconds) {
      double throughput() {
        long n = 0;
        for (long[] l : latencies) {
          n += l.length;
        }
        return n / seconds;
      }

      /** Percentile of one class, or of all requests with {@code kind = -1}. */
      double percentile(int kind, double q) {
        long[] v;
        if (kind < 0) {
          v = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        } else {
          v = latencies[kind];
        }
        if (v.length == 0) {
          return Double.NaN;
        }
        return v[Math.min(v.length - 1, (int) (v.length * q))];
      }
    }

    static Result run(String host, int port, int connections, int warmupSeconds, int seconds, Source source)
        throws Exception {
      long start = System.nanoTime();
      long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
      long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
      Worker[] workers = new Worker[connections];
      for (int i = 0; i < connections; i++) {
        workers[i] = new Worker(host, port, source, measureFrom, end, 1000 + i);
        workers[i].start();
      }
      long errors = 0;
      LongList[] all = {new LongList(), new LongList()};
      for (Worker w : workers) {
        w.join(TimeUnit.SECONDS.toMillis(warmupSeconds + seconds + 30L));
        errors += w.errors;
        if (w.failure != null) {
          throw new IOException("load client failed: " + w.failure, w.failure);
        }
        for (int k = 0; k < 2; k++) {
          all[k].addAll(w.latencies[k]);
        }
      }
      long[][] sorted = {all[0].sorted(), all[1].sorted()};
      return new Result(sorted, errors, seconds);
    }

    private static final class Worker extends Thread {
      final String host;
      final int port;
      final Source source;
      final long measureFrom;
      final long end;
      final SplittableRandom rnd;
      final LongList[] latencies = {new LongList(), new LongList()};
      long errors;
      Exception failure;

      Worker(String host, int port, Source source, long measureFrom, long end, long seed) {
        super("load-" + seed);
        setDaemon(true);
        this.host = host;
        this.port = port;
        this.source = source;
        this.measureFrom = measureFrom;
        this.end = end;
        this.rnd = new SplittableRandom(seed);
      }

      @Override
      public void run() {
        int[] kind = new int[1];
        try (Connection c = new Connection(host, port)) {
          while (true) {
            byte[] request = source.next(rnd, kind);
            long t0 = System.nanoTime();
            if (t0 >= end) {
              return;
            }
            int status = c.exchange(request);
            long t1 = System.nanoTime();
            if (status < 200 || status >= 300) {
              errors++;
            }
            if (t0 >= measureFrom) {
              latencies[kind[0]].add(t1 - t0);
            }
          }
        } catch (IOException e) {
          failure = e;
        }
      }
    }

    /** One keep-alive connection: write a request, read one response (status and body). */
    static final class Connection implements AutoCloseable {
      private final Socket socket;
      private final OutputStream out;
      private final InputStream in;
      private byte[] body = new byte[4096];

      Connection(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        out = new BufferedOutputStream(socket.getOutputStream(), 8192);
        in = new BufferedInputStream(socket.getInputStream(), 65536);
      }

      /** Sends a request and reads the response; returns the status code. */
      int exchange(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        int status = -1;
        int length = 0;
        StringBuilder line = new StringBuilder(64);
        boolean first = true;
        while (true) {
          line.setLength(0);
          int ch;
          while ((ch = in.read()) != '\n') {
            if (ch < 0) {
              throw new IOException("connection closed by the server");
            }
            if (ch != '\r') {
              line.append((char) ch);
            }
          }
          if (line.length() == 0) {
            break;
          }
          if (first) {
            status = Integer.parseInt(line.substring(9, 12));
            first = false;
          } else if (line.length() > 15 && line.substring(0, 15).equalsIgnoreCase("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        if (length > body.length) {
          body = new byte[length];
        }
        int read = 0;
        while (read < length) {
          int n = in.read(body, read, length - read);
          if (n < 0) {
            throw new IOException("connection closed in a response body");
          }
          read += n;
        }
        return status;
      }

      @Override
      public void close() throws IOException {
        socket.close();
      }
    }

    /** A growable primitive list (no boxing of millions of latencies). */
    static final class LongList {
      private long[] values = new long[1 << 14];
      private int size;

      void add(long v) {
        if (size == values.length) {
          values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
      }

      void addAll(LongList other) {
        for (int i = 0; i < other.size; i++) {
          add(other.values[i]);
        }
      }

      long[] sorted() {
        long[] s = Arrays.copyOf(values, size);
        Arrays.sort(s);
        return s;
      }
    }
  }
}
