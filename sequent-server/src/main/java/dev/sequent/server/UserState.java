package dev.sequent.server;

import dev.sequent.core.model.RecurrentState;
import java.util.Arrays;

/**
 * One user's serving state: the recent items (the last maxLength, as dense ids of {@link #model}), the
 * number of events applied, and for incremental models the recurrent state plus the hidden vector it
 * predicts from. Window models (SASRec) keep only the recent items and re-encode them when asked,
 * caching the result until the next event.
 *
 * <p>Every method except {@link #markRemoved()} and {@link #isRemoved()} must be called while holding the
 * object's monitor ({@code synchronized (user)}): events for one user are applied atomically, and snapshots
 * read a consistent state. Lock order: a user's monitor is never held while calling the store.
 *
 * <p>The state belongs to one model. When the served model changes, {@link #moveTo} maps the recent
 * items to the new vocabulary (dropping items it does not know) and replays them through the new model.
 * A state restored from a snapshot of another model starts with only raw ids ({@link #restoredRawIds}),
 * replayed the same way on first use.
 */
final class UserState {
  private static final int[] NONE = new int[0];

  final String id;
  private ServedModel model;
  private int[] ring = NONE;      // recent dense ids; grows up to the model's maxLength, then wraps
  private int start;
  private int size;
  private long events;
  private RecurrentState state;   // incremental models only
  private float[] hidden;         // for the next prediction; null when stale or there is no history
  private String[] pendingRaw;    // restored raw ids not yet mapped to a model
  private volatile boolean removed;

  UserState(String id) {
    this.id = id;
  }

  /** A user restored from a snapshot: raw ids now, mapped to the served model on first use. */
  static UserState restored(String id, long events, String[] rawIds) {
    UserState u = new UserState(id);
    u.events = events;
    u.pendingRaw = rawIds;
    return u;
  }

  /** Restores the recurrent state and hidden vector saved with the same model (no replay needed). */
  void restoreExact(ServedModel m, int[] recentItems, RecurrentState savedState, float[] savedHidden) {
    model = m;
    pendingRaw = null;
    ring = NONE;
    start = 0;
    size = 0;
    for (int item : recentItems) {
      push(item, m.maxLength());
    }
    state = savedState;
    hidden = savedHidden;
  }

  ServedModel model() {
    return model;
  }

  long events() {
    return events;
  }

  boolean isRemoved() {
    return removed;
  }

  /** Marks the state as dropped from its store (deleted or evicted); later writers must start afresh. May be
   * called without the monitor. */
  void markRemoved() {
    removed = true;
  }

  /** Ensures the state belongs to {@code m}, replaying the recent items through it when it does not. */
  void moveTo(ServedModel m) {
    if (model == m) {
      return;
    }
    String[] raw = pendingRaw != null ? pendingRaw : recentRawIds();
    int[] items = new int[raw.length];
    int n = 0;
    for (String r : raw) {
      int item = m.indexOf(r);
      if (item > 0) {
        items[n++] = item;
      }
    }
    model = m;
    pendingRaw = null;
    ring = NONE;
    start = 0;
    size = 0;
    state = m.isIncremental() ? m.initialState() : null;
    hidden = null;
    for (int i = 0; i < n; i++) {
      append(items[i]);
    }
  }

  /** Applies one event (a dense id of the current model); {@link #moveTo} first. */
  void apply(int item) {
    append(item);
    events++;
  }

  private void append(int item) {
    push(item, model.maxLength());
    if (state != null) {
      if (hidden == null) {
        hidden = new float[model.dim()];
      }
      model.step(state, item, hidden);
    } else {
      hidden = null; // window models re-encode on demand
    }
  }

  private void push(int item, int capacity) {
    if (size < capacity) {
      if (size == ring.length) {
        // Grow by doubling up to the window: most users have short histories.
        int[] bigger = new int[Math.min(capacity, Math.max(8, ring.length * 2))];
        for (int i = 0; i < size; i++) {
          bigger[i] = ring[(start + i) % ring.length];
        }
        ring = bigger;
        start = 0;
      }
      ring[(start + size) % ring.length] = item;
      size++;
    } else {
      ring[start] = item;
      start = (start + 1) % ring.length;
    }
  }

  /** The recent items, oldest first (dense ids of {@link #model()}). */
  int[] recentItems() {
    int[] out = new int[size];
    for (int i = 0; i < size; i++) {
      out[i] = ring[(start + i) % ring.length];
    }
    return out;
  }

  /** The recent items as raw ids, oldest first (for snapshots and for moving to another model). */
  String[] recentRawIds() {
    if (pendingRaw != null) {
      return pendingRaw.clone();
    }
    String[] out = new String[size];
    for (int i = 0; i < size; i++) {
      out[i] = model.rawId(ring[(start + i) % ring.length]);
    }
    return out;
  }

  /**
   * A copy of the hidden vector to score from, computing it for window models; null when the user has no
   * known items. Call after {@link #moveTo}.
   */
  float[] hiddenForScoring() {
    if (size == 0) {
      return null;
    }
    if (hidden == null) {
      hidden = model.encode(recentItems()); // window models: re-encode the stored window
    }
    return hidden.clone();
  }

  /** The recurrent state (incremental models), or null. Not a copy. */
  RecurrentState recurrentState() {
    return state;
  }

  /** The cached hidden vector, or null. Not a copy. */
  float[] cachedHidden() {
    return hidden;
  }

  @Override
  public String toString() {
    return "UserState[" + id + ", " + events + " events, " + size + " recent]";
  }

  static int[] sortedUnique(int[] ids) {
    int[] s = ids.clone();
    Arrays.sort(s);
    int n = 0;
    for (int i = 0; i < s.length; i++) {
      if (i == 0 || s[i] != s[i - 1]) {
        s[n++] = s[i];
      }
    }
    return n == s.length ? s : Arrays.copyOf(s, n);
  }
}
