package dev.sequent.server;

import dev.sequent.core.infer.TopItems;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the endpoints do, without HTTP: recommendations for a given history, per-user events and
 * recommendations, deletion, and moving users to a newly loaded model. Thread-safe; the HTTP layer adds
 * ordering (one lane per user) on top.
 */
final class RecommendationService {

  /** One ranked item: raw id, score, and title when known. */
  record Item(String id, float score, String title) {}

  /** A ranking and the request's item ids that the model does not know. */
  record Ranking(List<Item> items, List<String> unknownItems, ServedModel model) {}

  /** What applying events did. */
  record Applied(int applied, long events, List<String> unknownItems, ServedModel model) {}

  /** A user's recommendations, or {@code ranking == null} when the user is unknown. */
  record UserRanking(Ranking ranking, long events) {}

  private final AtomicReference<ServedModel> model;
  private final StateStore store;

  RecommendationService(ServedModel model, StateStore store) {
    this.model = new AtomicReference<>(model);
    this.store = store;
  }

  ServedModel model() {
    return model.get();
  }

  StateStore store() {
    return store;
  }

  /** Serves {@code next} from now on; returns the previous model. Users move over lazily or by sweep. */
  ServedModel swap(ServedModel next) {
    return model.getAndSet(next);
  }

  /**
   * Top-k for any history (known user or not) with a full forward pass over its last maxLength known
   * items: the same computation as {@code Recommender.recommend} and the CLI's recommend.
   */
  Ranking recommend(List<String> history, int k, List<String> exclude, boolean excludeHistory) {
    ServedModel m = model.get();
    List<String> unknown = new ArrayList<>();
    int[] items = resolve(m, history, unknown);
    int[] excluded = exclusions(m, exclude, excludeHistory ? items : null, unknown);
    if (items.length == 0) {
      return new Ranking(List.of(), unknown, m);
    }
    return new Ranking(rank(m, m.encode(items), k, excluded), unknown, m);
  }

  /** Applies events to a user's state in the given order, atomically (no other change in between). */
  Applied applyEvents(String userId, List<String> rawItems) {
    while (true) {
      UserState user = store.getOrCreate(userId);
      synchronized (user) {
        if (user.isRemoved()) {
          continue; // evicted or deleted between the lookup and the lock: start from a fresh state
        }
        ServedModel m = model.get();
        user.moveTo(m);
        List<String> unknown = new ArrayList<>();
        int applied = 0;
        for (String raw : rawItems) {
          int item = m.indexOf(raw);
          if (item < 1) {
            unknown.add(raw);
            continue;
          }
          user.apply(item);
          applied++;
        }
        return new Applied(applied, user.events(), unknown, m);
      }
    }
  }

  /** A user's recommendations from their stored state; ranking null when the user is unknown. */
  UserRanking userRecommendations(String userId, int k, List<String> exclude, boolean excludeHistory) {
    UserState user = store.get(userId);
    if (user == null) {
      return new UserRanking(null, 0);
    }
    ServedModel m;
    float[] hidden;
    int[] history;
    long events;
    synchronized (user) {
      if (user.isRemoved()) {
        return new UserRanking(null, 0);
      }
      m = model.get();
      user.moveTo(m);
      hidden = user.hiddenForScoring();
      history = excludeHistory ? user.recentItems() : null;
      events = user.events();
    }
    // The scan runs outside the user's lock: it only needs the copied hidden vector.
    List<String> unknown = new ArrayList<>();
    int[] excluded = exclusions(m, exclude, history, unknown);
    List<Item> items = hidden == null ? List.of() : rank(m, hidden, k, excluded);
    return new UserRanking(new Ranking(items, unknown, m), events);
  }

  boolean delete(String userId) {
    return store.remove(userId);
  }

  /** Moves every held user to the served model now (after a reload); returns how many were rebuilt. */
  int moveAllUsers() {
    int moved = 0;
    for (UserState user : store.users()) {
      synchronized (user) {
        ServedModel m = model.get();
        if (!user.isRemoved() && user.model() != m) {
          user.moveTo(m);
          moved++;
        }
      }
    }
    return moved;
  }

  private static int[] resolve(ServedModel m, List<String> rawIds, List<String> unknown) {
    int[] items = new int[rawIds.size()];
    int n = 0;
    for (String raw : rawIds) {
      int item = m.indexOf(raw);
      if (item < 1) {
        unknown.add(raw);
      } else {
        items[n++] = item;
      }
    }
    return n == items.length ? items : java.util.Arrays.copyOf(items, n);
  }

  /** Sorted, distinct dense ids to skip: the known ids of {@code exclude}, plus {@code history} if given. */
  private static int[] exclusions(ServedModel m, List<String> exclude, int[] history, List<String> unknown) {
    int[] fromList = resolve(m, exclude, unknown);
    if (history == null || history.length == 0) {
      return UserState.sortedUnique(fromList);
    }
    int[] all = java.util.Arrays.copyOf(fromList, fromList.length + history.length);
    System.arraycopy(history, 0, all, fromList.length, history.length);
    return UserState.sortedUnique(all);
  }

  private static List<Item> rank(ServedModel m, float[] hidden, int k, int[] excluded) {
    TopItems top = m.topK(hidden, k, excluded);
    List<Item> out = new ArrayList<>(top.size());
    for (int i = 0; i < top.size(); i++) {
      int item = top.items()[i];
      out.add(new Item(m.rawId(item), top.scores()[i], m.title(item)));
    }
    return out;
  }
}
