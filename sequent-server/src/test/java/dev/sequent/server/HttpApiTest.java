package dev.sequent.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sequent.core.infer.Recommender;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint over real HTTP: happy paths, parity with the core recommender, and the error paths. */
class HttpApiTest {
  @TempDir
  static Path dir;
  static SequentServer server;
  static Http http;
  static Recommender reference;

  @BeforeAll
  static void start() throws IOException {
    Path titles = dir.resolve("titles.tsv");
    Files.writeString(titles, "101\tThe First Item\n102\tThe Second Item\n");
    Path ckpt = Fixtures.checkpoint(dir.resolve("model.ckpt"), Fixtures.lruRec(21), titles.toString());
    server = SequentServer.start(ServerConfig.builder(ckpt).port(0).maxBodyBytes(4096).maxK(50).build());
    http = new Http(server);
    reference = Recommender.load(ckpt);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Recommender.recommend with the CLI's default (the history's items are not recommended again). */
  private static List<String> expected(List<String> history, int k) {
    int[] dense = history.stream().mapToInt(reference::indexOf).filter(i -> i > 0).toArray();
    Set<Integer> seen = new HashSet<>();
    for (int i : dense) {
      seen.add(i);
    }
    return reference.recommend(dense, k, seen::contains).stream().map(Recommender.Scored::rawId).toList();
  }

  @Test
  void recommendForAnyHistoryEqualsTheCoreRecommender() {
    Http.Reply r = http.post("/v1/recommend", "{\"history\": [\"105\", 130, \"142\"], \"k\": 7}");
    assertEquals(200, r.status(), r.body());
    assertEquals(expected(List.of("105", "130", "142"), 7), r.items());
    assertEquals("application/json", r.raw().headers().firstValue("content-type").orElse(""));
    JsonNode first = r.json().path("items").get(0);
    assertTrue(first.path("score").isNumber());
    assertEquals(server.model().version(), r.json().path("model_version").asText());
    // Scores are the core's, to the float.
    int[] dense = {reference.indexOf("105"), reference.indexOf("130"), reference.indexOf("142")};
    Set<Integer> seen = Set.of(dense[0], dense[1], dense[2]);
    assertEquals(reference.recommend(dense, 7, seen::contains).get(0).score(), first.path("score").floatValue());
  }

  @Test
  void recommendHonoursExclusionsAndReportsUnknownItems() {
    Http.Reply all = http.post("/v1/recommend", "{\"history\": [\"110\", \"111\"], \"k\": 5, "
        + "\"exclude_history\": false}");
    assertEquals(200, all.status(), all.body());
    String top = all.items().get(0);
    Http.Reply r = http.post("/v1/recommend", "{\"history\": [\"110\", \"nope\", \"111\"], \"k\": 5, "
        + "\"exclude\": [\"" + top + "\", \"zzz\"], \"exclude_history\": false}");
    assertEquals(200, r.status(), r.body());
    assertFalse(r.items().contains(top));
    assertEquals(List.of("nope", "zzz"), Http.MAPPER.convertValue(r.json().path("unknown_items"), List.class));
    Http.Reply unknownOnly = http.post("/v1/recommend", "{\"history\": [\"x1\", \"x2\"]}");
    assertEquals(200, unknownOnly.status());
    assertTrue(unknownOnly.items().isEmpty());
  }

  @Test
  void titlesAreIncludedWhenKnown() {
    // Put item 101 and 102 on top by excluding everything else.
    List<String> others = new ArrayList<>();
    for (int i = 103; i <= 160; i++) {
      others.add("\"" + i + "\"");
    }
    Http.Reply r = http.post("/v1/recommend", "{\"history\": [\"150\"], \"k\": 2, \"exclude_history\": false, "
        + "\"exclude\": [" + String.join(",", others) + "]}");
    assertEquals(200, r.status(), r.body());
    Set<String> titles = new HashSet<>();
    r.json().path("items").forEach(n -> titles.add(n.path("title").asText()));
    assertEquals(Set.of("The First Item", "The Second Item"), titles);
  }

  @Test
  void userEventsThenRecommendationsEqualTheFullPass() {
    Http.Reply e1 = http.post("/v1/users/alice/events", "{\"item\": \"120\"}");
    assertEquals(200, e1.status(), e1.body());
    assertEquals(1, e1.json().path("applied").asInt());
    assertEquals(1, e1.json().path("events").asInt());
    Http.Reply e2 = http.post("/v1/users/alice/events", "{\"items\": [121, \"bogus\", \"135\"]}");
    assertEquals(200, e2.status(), e2.body());
    assertEquals(2, e2.json().path("applied").asInt());
    assertEquals(3, e2.json().path("events").asInt());
    assertEquals("bogus", e2.json().path("unknown_items").get(0).asText());

    Http.Reply recs = http.get("/v1/users/alice/recommendations?k=6");
    assertEquals(200, recs.status(), recs.body());
    assertEquals(expected(List.of("120", "121", "135"), 6), recs.items());
    assertEquals(3, recs.json().path("events").asInt());
    Http.Reply withSeen = http.get("/v1/users/alice/recommendations?k=50&exclude_history=false");
    assertEquals(50, withSeen.items().size());
    assertTrue(withSeen.items().containsAll(List.of("120", "121", "135")) || withSeen.items().size() == 50);
    Http.Reply excluding = http.get("/v1/users/alice/recommendations?k=3&exclude=" + recs.items().get(0)
        + "&exclude=nope");
    assertFalse(excluding.items().contains(recs.items().get(0)));
    assertEquals("nope", excluding.json().path("unknown_items").get(0).asText());

    assertEquals(200, http.delete("/v1/users/alice").status());
    assertEquals(404, http.get("/v1/users/alice/recommendations").status());
    assertEquals(404, http.delete("/v1/users/alice").status());
  }

  @Test
  void userIdsArePathSegmentsAndMayBeEncoded() {
    assertEquals(200, http.post("/v1/users/user%20one/events", "{\"item\": \"101\"}").status());
    assertEquals("user one", http.get("/v1/users/user%20one/recommendations?k=2").json().path("user").asText());
    // An encoded slash is ambiguous in a path: Jetty refuses it, in the API's JSON error shape.
    Http.Reply slash = http.post("/v1/users/a%2Fb/events", "{\"item\": \"101\"}");
    assertEquals(400, slash.status(), slash.body());
    assertTrue(slash.error().startsWith("bad HTTP request"), slash.body());
    assertEquals(200, http.post("/v1/users/%C3%A9l%C3%A8ve/events", "{\"item\": \"101\"}").status());
    assertEquals("élève", http.get("/v1/users/%C3%A9l%C3%A8ve/recommendations").json().path("user").asText());
  }

  @Test
  void badRequestsGet400WithAMessage() {
    assertBad(http.post("/v1/recommend", "{\"history\": [\"101\""), "malformed JSON");
    assertBad(http.post("/v1/recommend", "[1, 2]"), "must be a JSON object");
    assertBad(http.post("/v1/recommend", ""), "empty");
    assertBad(http.post("/v1/recommend", "{\"history\": \"101\"}"), "'history' must be a list");
    assertBad(http.post("/v1/recommend", "{\"history\": [1.5]}"), "history[0] must be an item id");
    assertBad(http.post("/v1/recommend", "{\"history\": [true]}"), "history[0] must be an item id");
    assertBad(http.post("/v1/recommend", "{\"history\": []}"), "'history' is empty");
    assertBad(http.post("/v1/recommend", "{\"k\": 3}"), "'history' is required");
    assertBad(http.post("/v1/recommend", "{\"history\": [\"101\"], \"k\": 0}"), "k must be an integer in 1..50");
    assertBad(http.post("/v1/recommend", "{\"history\": [\"101\"], \"k\": 51}"), "k must be an integer in 1..50");
    assertBad(http.post("/v1/recommend", "{\"history\": [\"101\"], \"k\": \"5\"}"), "k must be an integer");
    assertBad(http.post("/v1/recommend", "{\"history\": [\"101\"], \"exclude_history\": \"yes\"}"),
        "exclude_history must be true or false");
    assertBad(http.post("/v1/recommend", "{\"history\": [\"101\"], \"exlude\": []}"), "unknown field 'exlude'");
    assertBad(http.post("/v1/recommend", "{\"history\": [\"101\"]} trailing"), "malformed JSON");
    assertBad(http.post("/v1/users/bob/events", "{}"), "exactly one of 'item'");
    assertBad(http.post("/v1/users/bob/events", "{\"item\": \"101\", \"items\": []}"), "exactly one of 'item'");
    assertBad(http.post("/v1/users/bob/events", "{\"items\": []}"), "'items' is empty");
    assertBad(http.post("/v1/users/bob/events", "{\"item\": {\"id\": 1}}"), "item must be an item id");
    assertBad(http.get("/v1/users/bob/recommendations?k=abc"), "k must be an integer");
    assertBad(http.get("/v1/users/bob/recommendations?top=3"), "unknown query parameter 'top'");
    assertBad(http.get("/v1/users/bob/recommendations?exclude_history=maybe"), "exclude_history must be");
    // Nothing was applied by the failed event requests.
    assertEquals(404, http.get("/v1/users/bob/recommendations").status());
  }

  @Test
  void oversizedBodiesGet400WithAndWithoutContentLength() {
    String big = "{\"history\": [" + "\"101\",".repeat(1000) + "\"101\"]}";
    assertBad(http.post("/v1/recommend", big), "the limit is 4096");
    // Chunked (no Content-Length): the limit applies while reading. The server reads and discards the rest
    // of the body before answering, so the client gets the 400 rather than a reset connection.
    InputStream stream = new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8));
    assertBad(http.send(HttpRequest.newBuilder(http.uri("/v1/recommend"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> stream))), "larger than the limit of 4096 bytes");
    // The server is fine afterwards.
    assertEquals(200, http.post("/v1/recommend", "{\"history\": [\"101\"]}").status());
  }

  @Test
  void unknownPathsAndMethodsAreClear() {
    Http.Reply missing = http.get("/v2/whatever");
    assertEquals(404, missing.status());
    assertTrue(missing.error().contains("no endpoint /v2/whatever"), missing.body());
    Http.Reply wrongMethod = http.get("/v1/recommend");
    assertEquals(405, wrongMethod.status());
    assertEquals("POST", wrongMethod.raw().headers().firstValue("allow").orElse(""));
    assertEquals(405, http.post("/v1/users/x/recommendations", "{}").status());
    assertEquals(404, http.get("/v1/users/x/friends").status());
  }

  @Test
  void healthAndMetrics() {
    Http.Reply health = http.get("/health");
    assertEquals(200, health.status());
    assertEquals("ok", health.json().path("status").asText());
    assertEquals("lrurec", health.json().path("model").asText());
    assertEquals(Fixtures.ITEMS, health.json().path("items").asInt());
    assertTrue(health.json().path("incremental").asBoolean());

    http.post("/v1/users/metrics-user/events", "{\"item\": \"101\"}");
    http.post("/v1/recommend", "{nope");
    Http.Reply metrics = http.get("/metrics");
    assertEquals(200, metrics.status());
    assertTrue(metrics.raw().headers().firstValue("content-type").orElse("").startsWith("text/plain"));
    String text = metrics.body();
    assertTrue(text.contains("sequent_http_requests_total{endpoint=\"events\",code=\"200\"}"), text);
    assertTrue(text.contains("sequent_http_requests_total{endpoint=\"recommend\",code=\"400\"}"), text);
    assertTrue(text.contains("sequent_http_request_duration_seconds_bucket{endpoint=\"events\",le=\"+Inf\"}"), text);
    assertTrue(text.contains("sequent_http_request_duration_seconds_count{endpoint=\"events\"}"), text);
    assertTrue(text.contains("# TYPE sequent_users gauge"), text);
    assertTrue(text.matches("(?s).*\\nsequent_users [1-9][0-9]*\\n.*"), text);
    assertTrue(text.contains("sequent_model_info{model=\"lrurec\",version=\"" + server.model().version()), text);
  }

  @Test
  void malformedHttpIsRejectedWithoutHarm() throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      out.write("POST /v1/recommend HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n{}".getBytes(
          StandardCharsets.US_ASCII));
      out.flush();
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertTrue(response.startsWith("HTTP/1.1 400"), response);
      assertTrue(response.contains("{\"error\":\"bad HTTP request"), response);
    }
    assertEquals(200, http.get("/health").status());
  }

  static void assertBad(Http.Reply r, String fragment) {
    assertEquals(400, r.status(), r.body());
    assertTrue(r.error().contains(fragment), "expected '" + fragment + "' in: " + r.body());
  }
}
