package dev.sequent.server;

import java.util.List;

/**
 * Where per-user states live. The server only uses these operations, so an external store (a cache in
 * front of a key-value database, say) can replace {@link InMemoryStateStore} later: it would keep hot
 * users in memory as {@link UserState}s and load or write the others by id.
 *
 * <p>Callers lock a returned {@link UserState} before reading or changing it; the store itself only
 * guards its index. A state the store drops (deleted or evicted) is marked {@link UserState#isRemoved()}
 * under its own lock, so a writer that still holds it can notice and start again.
 */
interface StateStore {

  /** The user's state, or null; counts as a use for eviction. */
  UserState get(String userId);

  /** The user's state, created empty when absent (which may evict the least recently used user). */
  UserState getOrCreate(String userId);

  /** Adds a restored state (start-up), evicting as needed; replaces any state with the same id. */
  void put(UserState state);

  /** Removes a user; false when there was none. */
  boolean remove(String userId);

  /** Number of users held. */
  int size();

  /** The configured bound on {@link #size()}. */
  int capacity();

  /** Users evicted to respect the bound, since start. */
  long evictions();

  /** All states, least recently used first (a copy: the store may change while the caller iterates). */
  List<UserState> users();
}
