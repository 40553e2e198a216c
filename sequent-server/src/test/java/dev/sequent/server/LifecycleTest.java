package dev.sequent.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.core.model.RecurrentState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots across restarts, the shutdown path, and hot reloads. */
class LifecycleTest {
  @TempDir
  Path dir;

  private ServerConfig.Builder config(Path ckpt) {
    return ServerConfig.builder(ckpt).port(0).snapshot(dir.resolve("users.snapshot")).snapshotIntervalSeconds(0);
  }

  private static void events(Http http, String user, String... items) {
    Http.Reply r = http.post("/v1/users/" + user + "/events", "{\"items\": [\"" + String.join("\",\"", items)
        + "\"]}");
    assertEquals(200, r.status(), r.body());
  }

  @Test
  void closeWritesTheSnapshotAndARestartFindsTheStatesIntact() throws IOException {
    Path ckpt = Fixtures.checkpoint(dir.resolve("m.ckpt"), Fixtures.lruRec(31), null);
    List<String> before;
    float[][] stateBefore;
    SequentServer first = SequentServer.start(config(ckpt).build());
    try {
      Http http = new Http(first);
      events(http, "u1", "101", "102", "103");
      events(http, "u2", "150");
      events(http, "u1", "104");
      before = http.get("/v1/users/u1/recommendations?k=10").items();
      UserState u1 = first.service().store().get("u1");
      synchronized (u1) {
        stateBefore = u1.recurrentState().copy().buffers();
      }
    } finally {
      // What the SIGTERM hook runs.
      first.close();
    }
    assertTrue(Files.isRegularFile(dir.resolve("users.snapshot")));
    try (Stream<Path> files = Files.list(dir)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary file left");
    }

    try (SequentServer second = SequentServer.start(config(ckpt).build())) {
      Http http = new Http(second);
      assertEquals(2, http.get("/health").json().path("users").asInt());
      UserState u1 = second.service().store().get("u1");
      synchronized (u1) {
        // Restored exactly (same weights): the saved recurrent state, not a replay.
        assertEquals(second.model(), u1.model());
        RecurrentState s = u1.recurrentState();
        for (int i = 0; i < stateBefore.length; i++) {
          assertArrayEquals(stateBefore[i], s.buffer(i));
        }
        assertArrayEquals(new String[] {"101", "102", "103", "104"}, u1.recentRawIds());
        assertEquals(4, u1.events());
      }
      Http.Reply after = http.get("/v1/users/u1/recommendations?k=10");
      assertEquals(before, after.items());
      assertEquals(4, after.json().path("events").asInt());
      // The restored state keeps going incrementally.
      events(http, "u1", "105");
      assertEquals(http.post("/v1/recommend", "{\"history\": [\"101\",\"102\",\"103\",\"104\",\"105\"]}").items(),
          http.get("/v1/users/u1/recommendations").items());
    }
  }

  @Test
  void aSnapshotFromOtherWeightsIsReplayedThroughTheNewModel() throws IOException {
    Path ckpt = Fixtures.checkpoint(dir.resolve("m.ckpt"), Fixtures.lruRec(31), null);
    try (SequentServer first = SequentServer.start(config(ckpt).build())) {
      events(new Http(first), "u", "110", "120", "130");
    }
    Fixtures.checkpoint(ckpt, Fixtures.lruRec(32), null); // new weights in the same file
    try (SequentServer second = SequentServer.start(config(ckpt).build())) {
      Http http = new Http(second);
      assertEquals(http.post("/v1/recommend", "{\"history\": [\"110\",\"120\",\"130\"]}").items(),
          http.get("/v1/users/u/recommendations").items());
      assertEquals(3, http.get("/v1/users/u/recommendations").json().path("events").asInt());
    }
  }

  @Test
  void periodicSnapshotsAreWrittenWhileServing() throws Exception {
    Path ckpt = Fixtures.checkpoint(dir.resolve("m.ckpt"), Fixtures.lruRec(31), null);
    Path snap = dir.resolve("users.snapshot");
    try (SequentServer server = SequentServer.start(config(ckpt).snapshotIntervalSeconds(1).build())) {
      events(new Http(server), "p", "101");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!Files.exists(snap) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(Files.exists(snap), "no periodic snapshot within 10 s");
      InMemoryStateStore store = new InMemoryStateStore(10);
      Snapshots.read(snap, server.model(), store);
      assertEquals(1, store.size());
    }
  }

  @Test
  void damagedSnapshotsStopTheStartWithAClearMessage() throws IOException {
    Path ckpt = Fixtures.checkpoint(dir.resolve("m.ckpt"), Fixtures.lruRec(31), null);
    try (SequentServer first = SequentServer.start(config(ckpt).build())) {
      events(new Http(first), "u", "101", "102");
    }
    Path snap = dir.resolve("users.snapshot");
    byte[] bytes = Files.readAllBytes(snap);
    Files.write(snap, java.util.Arrays.copyOf(bytes, bytes.length - 5));
    IOException e = assertThrows(IOException.class, () -> SequentServer.start(config(ckpt).build()));
    assertTrue(e.getMessage().contains("users.snapshot") && e.getMessage().contains("move the file away"),
        e.getMessage());
    Files.writeString(snap, "not a snapshot");
    assertThrows(IOException.class, () -> SequentServer.start(config(ckpt).build()));
  }

  @Test
  void theLeastRecentlyUsedUsersAreEvictedBeyondTheBound() throws IOException {
    Path ckpt = Fixtures.checkpoint(dir.resolve("m.ckpt"), Fixtures.lruRec(31), null);
    try (SequentServer server = SequentServer.start(config(ckpt).maxUsers(2).build())) {
      Http http = new Http(server);
      events(http, "a", "101");
      events(http, "b", "102");
      http.get("/v1/users/a/recommendations");
      events(http, "c", "103");
      assertEquals(404, http.get("/v1/users/b/recommendations").status());
      assertEquals(200, http.get("/v1/users/a/recommendations").status());
      assertEquals(200, http.get("/v1/users/c/recommendations").status());
      assertTrue(http.get("/metrics").body().contains("sequent_user_evictions 1"));
    }
  }

  @Test
  void reloadSwapsTheModelWithoutDroppingRequestsAndRebuildsStates() throws Exception {
    Path ckpt = Fixtures.checkpoint(dir.resolve("m.ckpt"), Fixtures.lruRec(41), null);
    Path next = Fixtures.checkpoint(dir.resolve("next.ckpt"), Fixtures.lruRec(42), null);
    try (SequentServer server = SequentServer.start(config(ckpt).build())) {
      Http http = new Http(server);
      events(http, "u", "101", "111", "121");
      String oldVersion = server.model().version();
      List<String> oldRecs = http.get("/v1/users/u/recommendations").items();

      // Clients keep sending while the model is swapped; every request must succeed.
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      List<Future<Integer>> clients = new ArrayList<>();
      for (int c = 0; c < 2; c++) {
        int client = c;
        clients.add(pool.submit(() -> {
          Http h = new Http(server);
          int n = 0;
          while (!stop.get() && n < 2000) {
            Http.Reply r = client == 0 ? h.post("/v1/recommend", "{\"history\": [\"101\", \"102\"]}")
                : h.post("/v1/users/busy/events", "{\"item\": \"" + (101 + n % 60) + "\"}");
            assertEquals(200, r.status(), r.body());
            n++;
          }
          return n;
        }));
      }
      Thread.sleep(100);
      Http.Reply reload = http.post("/v1/admin/reload", "{\"checkpoint\": \"" + next.toString().replace("\\", "\\\\")
          + "\"}");
      Thread.sleep(100);
      stop.set(true);
      for (Future<Integer> f : clients) {
        assertTrue(f.get(30, TimeUnit.SECONDS) > 0);
      }
      pool.shutdownNow();

      assertEquals(200, reload.status(), reload.body());
      assertTrue(reload.json().path("changed").asBoolean());
      assertEquals(oldVersion, reload.json().path("previous_version").asText());
      String newVersion = reload.json().path("model_version").asText();
      assertNotEquals(oldVersion, newVersion);
      assertEquals(newVersion, http.get("/health").json().path("model_version").asText());

      server.awaitRebuild();
      UserState u = server.service().store().get("u");
      synchronized (u) {
        assertEquals(server.model(), u.model(), "the sweep moves users to the new model");
      }
      Http.Reply after = http.get("/v1/users/u/recommendations");
      assertEquals(newVersion, after.json().path("model_version").asText());
      assertEquals(http.post("/v1/recommend", "{\"history\": [\"101\", \"111\", \"121\"]}").items(), after.items());
      assertNotEquals(oldRecs, after.items());
      assertTrue(http.get("/metrics").body().contains("sequent_model_reloads_total 1"));

      // Reloading the same weights changes nothing.
      Http.Reply same = http.post("/v1/admin/reload", "");
      assertEquals(200, same.status(), same.body());
      assertFalse(same.json().path("changed").asBoolean());
    }
  }

  @Test
  void aFailedReloadKeepsServingTheOldModel() throws IOException {
    Path ckpt = Fixtures.checkpoint(dir.resolve("m.ckpt"), Fixtures.lruRec(41), null);
    try (SequentServer server = SequentServer.start(config(ckpt).build())) {
      Http http = new Http(server);
      String version = server.model().version();
      Http.Reply missing = http.post("/v1/admin/reload", "{\"checkpoint\": \"/nonexistent/x.ckpt\"}");
      assertEquals(400, missing.status());
      assertTrue(missing.error().contains("still serving version " + version), missing.body());
      Path garbage = dir.resolve("garbage.ckpt");
      Files.writeString(garbage, "not a checkpoint");
      Http.Reply bad = http.post("/v1/admin/reload", "{\"checkpoint\": \"" + garbage + "\"}");
      assertEquals(400, bad.status());
      assertTrue(bad.error().contains("not a Sequent checkpoint"), bad.body());
      assertEquals(400, http.post("/v1/admin/reload", "{\"checkpoint\": 3}").status());
      assertEquals(version, http.get("/health").json().path("model_version").asText());
      assertEquals(200, http.post("/v1/recommend", "{\"history\": [\"101\"]}").status());
    }
  }

  @Test
  void watchingTheCheckpointReloadsWhenItChanges() throws Exception {
    Path ckpt = Fixtures.checkpoint(dir.resolve("m.ckpt"), Fixtures.lruRec(51), null);
    try (SequentServer server = SequentServer.start(config(ckpt).watchCheckpoint(true).watchIntervalMillis(50)
        .build())) {
      String version = server.model().version();
      events(new Http(server), "w", "101", "102");
      // A training run replaces best.ckpt atomically; so does Checkpoint.write.
      Fixtures.checkpoint(ckpt, Fixtures.lruRec(52), null);
      Files.setLastModifiedTime(ckpt, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (server.model().version().equals(version) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertNotEquals(version, server.model().version(), "the checkpoint change was not picked up");
      Http http = new Http(server);
      assertEquals(http.post("/v1/recommend", "{\"history\": [\"101\", \"102\"]}").items(),
          http.get("/v1/users/w/recommendations").items());
    }
  }

  @Test
  void afterCloseRequestsAreRefusedAndCloseIsIdempotent() throws IOException {
    Path ckpt = Fixtures.checkpoint(dir.resolve("m.ckpt"), Fixtures.lruRec(31), null);
    SequentServer server = SequentServer.start(config(ckpt).build());
    Http http = new Http(server);
    events(http, "x", "101");
    server.close();
    server.close();
    assertTrue(server.isDraining());
    InMemoryStateStore store = new InMemoryStateStore(10);
    assertEquals(1, Snapshots.read(dir.resolve("users.snapshot"), server.model(), store).users());
  }
}
