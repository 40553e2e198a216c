package dev.sequent.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded in-memory {@link StateStore} with least-recently-used eviction: an access-ordered
 * {@link LinkedHashMap} behind one lock. Every operation on the index is O(1) and short (the model work
 * happens outside, under each user's own lock), so one lock does not limit a 2-core server.
 */
final class InMemoryStateStore implements StateStore {
  private final int capacity;
  private final LinkedHashMap<String, UserState> users;
  private long evictions;

  InMemoryStateStore(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("max users must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.users = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, UserState> eldest) {
        if (size() <= InMemoryStateStore.this.capacity) {
          return false;
        }
        evictions++;
        dropped(eldest.getValue());
        return true;
      }
    };
  }

  private static void dropped(UserState state) {
    // Not under the user's lock: the store lock is never held while waiting for a user (lock order is
    // store, then user, and only briefly). An event racing with the eviction lands either before it
    // (and is forgotten with the user) or after it (on a fresh state): both are eviction semantics.
    state.markRemoved();
  }

  @Override
  public synchronized UserState get(String userId) {
    return users.get(userId);
  }

  @Override
  public UserState getOrCreate(String userId) {
    synchronized (this) {
      UserState state = users.get(userId);
      if (state != null) {
        return state;
      }
      state = new UserState(userId);
      users.put(userId, state);
      return state;
    }
  }

  @Override
  public synchronized void put(UserState state) {
    UserState old = users.put(state.id, state);
    if (old != null && old != state) {
      dropped(old);
    }
  }

  @Override
  public boolean remove(String userId) {
    UserState old;
    synchronized (this) {
      old = users.remove(userId);
    }
    if (old == null) {
      return false;
    }
    dropped(old);
    return true;
  }

  @Override
  public synchronized int size() {
    return users.size();
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public synchronized long evictions() {
    return evictions;
  }

  @Override
  public synchronized List<UserState> users() {
    return new ArrayList<>(users.values());
  }
}
