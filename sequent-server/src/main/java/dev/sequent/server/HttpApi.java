package dev.sequent.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.URIUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoints (JSON in and out) on Jetty's core handler API.
 *
 * <p>Jetty calls {@link #handle} on its network thread (the handler is non-blocking): routing, header
 * checks and reading a small body happen there, then the work is queued on a {@link Lanes} lane, the same
 * lane for every request about one user, so a user's requests are applied one at a time in arrival order.
 * A full lane answers 503 with {@code Retry-After} at once. Health and metrics are answered on the network
 * thread so they stay available under load.
 */
final class HttpApi extends Handler.Abstract.NonBlocking {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final String JSON = "application/json";
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
  /** How far past the body limit a request is still read (and discarded) before its 400 is sent. */
  private static final long DISCARD_BYTES = 1 << 20;
  private static final Set<String> RECOMMEND_FIELDS = Set.of("history", "k", "exclude", "exclude_history");
  private static final Set<String> EVENT_FIELDS = Set.of("item", "items");
  private static final Set<String> RELOAD_FIELDS = Set.of("checkpoint");
  private static final Set<String> USER_QUERY = Set.of("k", "exclude", "exclude_history");
  private static final int MAX_USER_ID = 256;
  private static final String USERS = "/v1/users/";

  private final SequentServer server;
  private final RecommendationService service;
  private final Lanes lanes;
  private final Executor admin;
  private final Metrics metrics;
  private final ServerConfig config;
  private final LongAdder rejected;
  /** Test hook: runs on the lane before each queued request (e.g. to hold a lane busy). */
  volatile Runnable beforeWork;

  HttpApi(SequentServer server, RecommendationService service, Lanes lanes, Executor admin, Metrics metrics,
          ServerConfig config) {
    this.server = server;
    this.service = service;
    this.lanes = lanes;
    this.admin = admin;
    this.metrics = metrics;
    this.config = config;
    this.rejected = metrics.counter("sequent_http_rejected_total",
        "Requests answered 503 because a worker queue was full or the server was shutting down.");
  }

  /** What to send back. */
  record Reply(int status, byte[] body, String contentType) {
    static Reply json(int status, JsonWriter writer) {
      return new Reply(status, HttpApi.json(writer), JSON);
    }

    static Reply error(int status, String message) {
      return json(status, g -> g.writeStringField("error", message));
    }
  }

  /** Writes the fields of one JSON object. */
  @FunctionalInterface
  interface JsonWriter {
    void write(JsonGenerator g) throws IOException;
  }

  /** One request in flight: answers it once and records it in the metrics. */
  private final class Exchange {
    final Request request;
    final Response response;
    final Callback callback;
    final long started;
    final AtomicBoolean sent = new AtomicBoolean();
    String endpoint = "other";

    Exchange(Request request, Response response, Callback callback, long started) {
      this.request = request;
      this.response = response;
      this.callback = callback;
      this.started = started;
    }

    void send(Reply reply) {
      send(reply, null);
    }

    void send(Reply reply, HttpField extra) {
      if (!sent.compareAndSet(false, true)) {
        return;
      }
      response.setStatus(reply.status());
      HttpFields.Mutable headers = response.getHeaders();
      headers.put(HttpHeader.CONTENT_TYPE, reply.contentType());
      headers.put(HttpHeader.CONTENT_LENGTH, reply.body().length);
      if (extra != null) {
        headers.put(extra);
      }
      metrics.request(endpoint, reply.status(), System.nanoTime() - started);
      response.write(true, ByteBuffer.wrap(reply.body()), callback);
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Exchange ex = new Exchange(request, response, callback, System.nanoTime());
    try {
      route(ex);
    } catch (BadRequestException e) {
      ex.send(Reply.error(400, e.getMessage()));
    } catch (RuntimeException e) {
      LOG.error("request {} {} failed", request.getMethod(), request.getHttpURI(), e);
      ex.send(Reply.error(500, "internal error: " + e));
    }
    return true;
  }

  private void route(Exchange ex) {
    String path = ex.request.getHttpURI().getPath();
    String method = ex.request.getMethod();
    switch (path) {
      case "/health" -> {
        ex.endpoint = "health";
        if (allow(ex, method, "GET")) {
          ex.send(health());
        }
        return;
      }
      case "/metrics" -> {
        ex.endpoint = "metrics";
        if (allow(ex, method, "GET")) {
          ex.send(new Reply(200, metrics.render().getBytes(StandardCharsets.UTF_8), PROMETHEUS));
        }
        return;
      }
      case "/v1/recommend" -> {
        ex.endpoint = "recommend";
        if (allow(ex, method, "POST")) {
          withBody(ex, body -> submit(ex, lanes.leastLoaded(), () -> recommend(body)));
        }
        return;
      }
      case "/v1/admin/reload" -> {
        ex.endpoint = "reload";
        if (allow(ex, method, "POST") && fromLoopback(ex)) {
          withBody(ex, body -> submit(ex, admin, () -> reload(body)));
        }
        return;
      }
      default -> {
        // users below
      }
    }
    if (!path.startsWith(USERS)) {
      ex.endpoint = "not_found";
      ex.send(Reply.error(404, "no endpoint " + path + "; see GET /health, GET /metrics, POST /v1/recommend, "
          + "POST /v1/users/{id}/events, GET /v1/users/{id}/recommendations, DELETE /v1/users/{id}"));
      return;
    }
    String rest = path.substring(USERS.length());
    int slash = rest.indexOf('/');
    String action = slash < 0 ? "" : rest.substring(slash + 1);
    String userId = userId(slash < 0 ? rest : rest.substring(0, slash));
    int lane = lanes.laneOf(userId);
    switch (action) {
      case "events" -> {
        ex.endpoint = "events";
        if (allow(ex, method, "POST")) {
          withBody(ex, body -> submit(ex, lane, () -> events(userId, body)));
        }
      }
      case "recommendations" -> {
        ex.endpoint = "user_recommendations";
        if (allow(ex, method, "GET")) {
          submit(ex, lane, () -> userRecommendations(userId, Request.extractQueryParameters(ex.request)));
        }
      }
      case "" -> {
        ex.endpoint = "delete_user";
        if (allow(ex, method, "DELETE")) {
          submit(ex, lane, () -> delete(userId));
        }
      }
      default -> {
        ex.endpoint = "not_found";
        ex.send(Reply.error(404, "no endpoint " + path + "; users have /events (POST), /recommendations (GET) "
            + "and DELETE /v1/users/{id}"));
      }
    }
  }

  private static boolean allow(Exchange ex, String method, String allowed) {
    if (method.equals(allowed)) {
      return true;
    }
    ex.send(Reply.error(405, ex.request.getHttpURI().getPath() + " accepts " + allowed + ", not " + method),
        new HttpField(HttpHeader.ALLOW, allowed));
    return false;
  }

  private static boolean fromLoopback(Exchange ex) {
    String address = Request.getRemoteAddr(ex.request);
    try {
      // An IP literal: no name lookup happens.
      if (InetAddress.getByName(address).isLoopbackAddress()) {
        return true;
      }
    } catch (UnknownHostException e) {
      // not an address: refuse below
    }
    ex.send(Reply.error(403, "admin endpoints only accept requests from this machine"));
    return false;
  }

  private static String userId(String encoded) {
    String id;
    try {
      id = URIUtil.decodePath(encoded);
    } catch (RuntimeException e) {
      throw new BadRequestException("user id '" + encoded + "' is not a valid URL path segment");
    }
    if (id.isEmpty() || id.length() > MAX_USER_ID) {
      throw new BadRequestException("user id must have 1.." + MAX_USER_ID + " characters, got " + id.length());
    }
    for (int i = 0; i < id.length(); i++) {
      if (Character.isISOControl(id.charAt(i))) {
        throw new BadRequestException("user id must not contain control characters");
      }
    }
    return id;
  }

  /**
   * Reads the body (at most maxBodyBytes) without blocking, then continues with it: Jetty's read/demand
   * loop, which resumes here when more bytes arrive. A body over the limit gets a 400. Up to
   * {@link #DISCARD_BYTES} past the limit, the rest of the body is read and discarded first, so a client
   * that finishes sending receives the 400 rather than a connection reset; beyond that the 400 goes out at
   * once and Jetty closes the connection on the unread rest.
   */
  private void withBody(Exchange ex, java.util.function.Consumer<byte[]> next) {
    long length = ex.request.getLength();
    int max = config.maxBodyBytes();
    long discardUpTo = max + DISCARD_BYTES;
    String declaredTooLarge = length > max ? "request body is " + length + " bytes; the limit is " + max : null;
    if (length > discardUpTo) {
      ex.send(Reply.error(400, declaredTooLarge));
      return;
    }
    new Runnable() {
      private final ByteArrayOutputStream body =
          new ByteArrayOutputStream(length > 0 && length <= max ? (int) length : 256);
      private long received;
      private String tooLarge = declaredTooLarge;

      @Override
      public void run() {
        while (true) {
          Content.Chunk chunk = ex.request.read();
          if (chunk == null) {
            ex.request.demand(this);
            return;
          }
          if (Content.Chunk.isFailure(chunk)) {
            ex.send(Reply.error(400, "could not read the request body: " + rootMessage(chunk.getFailure())));
            return;
          }
          ByteBuffer buffer = chunk.getByteBuffer();
          int n = buffer.remaining();
          received += n;
          if (tooLarge == null && received > max) {
            tooLarge = "request body is larger than the limit of " + max + " bytes";
          }
          if (tooLarge == null) {
            byte[] bytes = new byte[n];
            buffer.get(bytes);
            body.write(bytes, 0, n);
          }
          boolean last = chunk.isLast();
          chunk.release();
          if (tooLarge != null && (last || received > discardUpTo)) {
            ex.send(Reply.error(400, tooLarge));
            return;
          }
          if (last) {
            try {
              next.accept(body.toByteArray());
            } catch (RuntimeException e) {
              LOG.error("request failed", e);
              ex.send(Reply.error(500, "internal error: " + e));
            }
            return;
          }
        }
      }
    }.run();
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  private void submit(Exchange ex, int lane, Supplier<Reply> work) {
    if (server.isDraining()) {
      rejected.increment();
      ex.send(Reply.error(503, "the server is shutting down"), new HttpField(HttpHeader.RETRY_AFTER, "1"));
      return;
    }
    try {
      lanes.execute(lane, () -> run(ex, work));
    } catch (RejectedExecutionException e) {
      rejected.increment();
      ex.send(Reply.error(503, "overloaded: too many requests waiting; retry shortly"),
          new HttpField(HttpHeader.RETRY_AFTER, "1"));
    }
  }

  private void submit(Exchange ex, Executor executor, Supplier<Reply> work) {
    try {
      executor.execute(() -> run(ex, work));
    } catch (RejectedExecutionException e) {
      rejected.increment();
      ex.send(Reply.error(503, "busy with another reload; retry shortly"),
          new HttpField(HttpHeader.RETRY_AFTER, "1"));
    }
  }

  private void run(Exchange ex, Supplier<Reply> work) {
    try {
      Runnable hook = beforeWork;
      if (hook != null) {
        hook.run();
      }
      ex.send(work.get());
    } catch (BadRequestException e) {
      ex.send(Reply.error(400, e.getMessage()));
    } catch (RuntimeException e) {
      LOG.error("request {} {} failed", ex.request.getMethod(), ex.request.getHttpURI(), e);
      ex.send(Reply.error(500, "internal error: " + e));
    }
  }

  // ------------------------------------------------------------------------------------------ endpoints

  private Reply recommend(byte[] body) {
    JsonNode root = JsonRequests.object(body, RECOMMEND_FIELDS);
    List<String> history = JsonRequests.itemIds(root, "history", true);
    if (history.isEmpty()) {
      throw new BadRequestException("'history' is empty: give at least one item id");
    }
    int k = JsonRequests.integer(root, "k", 10, 1, config.maxK());
    List<String> exclude = JsonRequests.itemIds(root, "exclude", false);
    boolean excludeHistory = JsonRequests.bool(root, "exclude_history", true);
    RecommendationService.Ranking r = service.recommend(history, k, exclude, excludeHistory);
    return Reply.json(200, g -> writeRanking(g, r));
  }

  private Reply events(String userId, byte[] body) {
    JsonNode root = JsonRequests.object(body, EVENT_FIELDS);
    if (root.has("item") == root.has("items")) {
      throw new BadRequestException("give exactly one of 'item' (one item id) or 'items' (a list of item ids)");
    }
    List<String> items = root.has("item") ? List.of(JsonRequests.itemId(root.get("item"), "item"))
        : JsonRequests.itemIds(root, "items", true);
    if (items.isEmpty()) {
      throw new BadRequestException("'items' is empty: give at least one item id");
    }
    RecommendationService.Applied a = service.applyEvents(userId, items);
    server.stateChanged();
    return Reply.json(200, g -> {
      g.writeStringField("user", userId);
      g.writeNumberField("applied", a.applied());
      g.writeNumberField("events", a.events());
      writeStrings(g, "unknown_items", a.unknownItems());
      g.writeStringField("model_version", a.model().version());
    });
  }

  private Reply userRecommendations(String userId, Fields query) {
    for (String name : query.getNames()) {
      if (!USER_QUERY.contains(name)) {
        throw new BadRequestException("unknown query parameter '" + name + "'; valid: " + new TreeSet<>(USER_QUERY));
      }
    }
    int k = JsonRequests.queryInteger("k", query.getValue("k"), 10, 1, config.maxK());
    boolean excludeHistory = JsonRequests.queryBool("exclude_history", query.getValue("exclude_history"), true);
    List<String> exclude = query.getValuesOrEmpty("exclude");
    RecommendationService.UserRanking ur = service.userRecommendations(userId, k, exclude, excludeHistory);
    if (ur.ranking() == null) {
      return Reply.error(404, "unknown user '" + userId + "' (no events yet, deleted, or evicted)");
    }
    return Reply.json(200, g -> {
      g.writeStringField("user", userId);
      g.writeNumberField("events", ur.events());
      writeRanking(g, ur.ranking());
    });
  }

  private Reply delete(String userId) {
    if (!service.delete(userId)) {
      return Reply.error(404, "unknown user '" + userId + "'");
    }
    server.stateChanged();
    return Reply.json(200, g -> {
      g.writeStringField("user", userId);
      g.writeBooleanField("deleted", true);
    });
  }

  private Reply reload(byte[] body) {
    Path checkpoint = null;
    if (body != null && body.length > 0) {
      String text = JsonRequests.text(JsonRequests.object(body, RELOAD_FIELDS), "checkpoint");
      checkpoint = text == null ? null : Path.of(text);
    }
    String before = service.model().version();
    try {
      SequentServer.ReloadResult r = server.reload(checkpoint);
      return Reply.json(200, g -> {
        g.writeBooleanField("changed", r.changed());
        g.writeStringField("model", r.model());
        g.writeStringField("model_version", r.version());
        g.writeStringField("previous_version", r.previousVersion());
        g.writeStringField("checkpoint", r.checkpoint().toString());
        g.writeNumberField("seconds", r.seconds());
      });
    } catch (IOException | RuntimeException e) {
      return Reply.error(400, "reload failed; still serving version " + before + ": " + e.getMessage());
    }
  }

  private Reply health() {
    ServedModel m = service.model();
    boolean draining = server.isDraining();
    return Reply.json(draining ? 503 : 200, g -> {
      g.writeStringField("status", draining ? "shutting down" : "ok");
      g.writeStringField("model", m.name());
      g.writeStringField("model_version", m.version());
      g.writeStringField("checkpoint", m.checkpoint().toString());
      g.writeNumberField("items", m.numItems());
      g.writeNumberField("max_length", m.maxLength());
      g.writeBooleanField("incremental", m.isIncremental());
      g.writeStringField("loaded_at", m.loadedAt().toString());
      g.writeNumberField("users", service.store().size());
      g.writeNumberField("max_users", service.store().capacity());
      g.writeStringField("titles", m.titlesNote());
    });
  }

  // ------------------------------------------------------------------------------------------ JSON out

  private static void writeRanking(JsonGenerator g, RecommendationService.Ranking r) throws IOException {
    g.writeArrayFieldStart("items");
    for (RecommendationService.Item item : r.items()) {
      g.writeStartObject();
      g.writeStringField("item", item.id());
      g.writeNumberField("score", item.score());
      if (item.title() != null) {
        g.writeStringField("title", item.title());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    writeStrings(g, "unknown_items", r.unknownItems());
    g.writeStringField("model_version", r.model().version());
  }

  private static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
    g.writeArrayFieldStart(field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  static byte[] json(JsonWriter writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JsonRequests.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      writer.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory JSON write failed", e);
    }
    out.write('\n');
    return out.toByteArray();
  }
}
