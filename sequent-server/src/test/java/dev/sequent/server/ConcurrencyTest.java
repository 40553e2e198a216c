package dev.sequent.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent clients: no lost updates, per-user arrival order, and 503 (not a growing queue) when full. */
class ConcurrencyTest {
  @TempDir
  Path dir;

  @Test
  void concurrentEventsForOneUserAreAllAppliedInEachClientsOrder() throws Exception {
    Path ckpt = Fixtures.checkpoint(dir.resolve("m.ckpt"), Fixtures.lruRec(5), null);
    // The window must hold every event so the order can be checked from the stored recent items.
    int clients = 6;
    int perClient = 2;  // events per client; clients × perClient ≤ MAX_LENGTH
    try (SequentServer server = SequentServer.start(ServerConfig.builder(ckpt).port(0).workers(2).build())) {
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        for (int round = 0; round < 5; round++) {
          String user = "shared-" + round;
          CountDownLatch go = new CountDownLatch(1);
          List<Future<?>> done = new ArrayList<>();
          for (int c = 0; c < clients; c++) {
            int client = c;
            done.add(pool.submit(() -> {
              Http http = new Http(server);
              go.await();
              for (int e = 0; e < perClient; e++) {
                // Client c sends items 101 + c·perClient + e, in increasing order.
                String item = Integer.toString(101 + client * perClient + e);
                Http.Reply r = http.post("/v1/users/" + user + "/events", "{\"item\": \"" + item + "\"}");
                assertEquals(200, r.status(), r.body());
              }
              return null;
            }));
          }
          go.countDown();
          for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
          }
          UserState state = server.service().store().get(user);
          String[] recent;
          synchronized (state) {
            assertEquals(clients * perClient, state.events(), "lost updates in round " + round);
            recent = state.recentRawIds();
          }
          assertEquals(clients * perClient, recent.length);
          // Each client's events appear in the order it sent them.
          for (int c = 0; c < clients; c++) {
            int last = -1;
            for (int i = 0; i < recent.length; i++) {
              int item = Integer.parseInt(recent[i]) - 101;
              if (item / perClient == c) {
                assertTrue(item > last, "client " + c + " out of order in " + String.join(",", recent));
                last = item;
              }
            }
          }
          // And the state is exactly the one the full pass computes for that interleaving.
          Http.Reply recs = new Http(server).get("/v1/users/" + user + "/recommendations?k=5");
          assertEquals(new Http(server).post("/v1/recommend", "{\"k\": 5, \"history\": [\""
              + String.join("\",\"", recent) + "\"]}").items(), recs.items());
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aBatchOfEventsIsAppliedAtomically() throws Exception {
    Path ckpt = Fixtures.checkpoint(dir.resolve("m.ckpt"), Fixtures.sasRec(6), null);
    try (SequentServer server = SequentServer.start(ServerConfig.builder(ckpt).port(0).build())) {
      ExecutorService pool = Executors.newFixedThreadPool(3);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
          int client = c;
          done.add(pool.submit(() -> {
            Http http = new Http(server);
            String a = Integer.toString(101 + 2 * client);
            String b = Integer.toString(102 + 2 * client);
            assertEquals(200, http.post("/v1/users/batch/events", "{\"items\": [\"" + a + "\", \"" + b + "\"]}")
                .status());
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      UserState state = server.service().store().get("batch");
      synchronized (state) {
        String[] recent = state.recentRawIds();
        assertEquals(6, recent.length);
        // Pairs (101,102), (103,104), (105,106) are never split by another request's events.
        for (int i = 0; i < 6; i += 2) {
          assertEquals(Integer.parseInt(recent[i]) + 1, Integer.parseInt(recent[i + 1]), String.join(",", recent));
        }
      }
    }
  }

  @Test
  void aFullQueueAnswers503WithRetryAfter() throws Exception {
    Path ckpt = Fixtures.checkpoint(dir.resolve("m.ckpt"), Fixtures.lruRec(5), null);
    try (SequentServer server = SequentServer.start(ServerConfig.builder(ckpt).port(0).workers(1)
        .queuePerWorker(1).build())) {
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      server.api().beforeWork = () -> {
        entered.countDown();
        try {
          release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      };
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        // One request occupies the only worker, one waits in the queue of 1 ...
        Future<Http.Reply> first = pool.submit(() -> new Http(server).post("/v1/recommend", "{\"history\": [1]}"));
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        Future<Http.Reply> second = pool.submit(() -> new Http(server).post("/v1/users/u/events", "{\"item\": 101}"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.metrics().requests("events", 200) == 0 && queued(server) == 0 && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        // ... so the next one is refused at once.
        Http.Reply refused = new Http(server).post("/v1/users/v/events", "{\"item\": 101}");
        assertEquals(503, refused.status(), refused.body());
        assertEquals("1", refused.raw().headers().firstValue("retry-after").orElse(""));
        assertTrue(refused.error().contains("overloaded"), refused.body());
        // Health stays available while the workers are busy.
        assertEquals(200, new Http(server).get("/health").status());
        release.countDown();
        assertEquals(200, first.get(20, TimeUnit.SECONDS).status());
        assertEquals(200, second.get(20, TimeUnit.SECONDS).status());
        assertTrue(new Http(server).get("/metrics").body().contains("sequent_http_rejected_total 1"));
      } finally {
        release.countDown();
        server.api().beforeWork = null;
        pool.shutdownNow();
      }
    }
  }

  private static int queued(SequentServer server) throws IOException {
    String text = new Http(server).get("/metrics").body();
    for (String line : text.split("\n")) {
      if (line.startsWith("sequent_queued_requests ")) {
        return Integer.parseInt(line.substring(line.indexOf(' ') + 1).trim());
      }
    }
    return 0;
  }
}
