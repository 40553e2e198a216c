package dev.sequent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sequent.core.data.ItemTitles;
import dev.sequent.core.infer.Recommender;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Top-K for one history, and how it is shown: a list, two columns beside the history, or JSON. */
final class Recommendations {
  private final List<String> history;
  private final List<Recommender.Scored> top;
  private final ItemTitles titles;
  private final List<String> unknown;
  private final boolean seenExcluded;

  private Recommendations(List<String> history, List<Recommender.Scored> top, ItemTitles titles,
                          List<String> unknown, boolean seenExcluded) {
    this.history = history;
    this.top = top;
    this.titles = titles;
    this.unknown = unknown;
    this.seenExcluded = seenExcluded;
  }

  /**
   * The top {@code k} after a history of raw item ids (oldest first). Items the model does not know are left
   * out of the history (and reported by {@link #unknownItems()}); items of the history are not recommended
   * again unless {@code includeSeen}.
   */
  static Recommendations compute(Recommender recommender, List<String> history, int k, boolean includeSeen,
                                 ItemTitles titles) {
    if (k < 1) {
      throw new UserException("-k must be at least 1, got " + k);
    }
    List<String> unknown = new ArrayList<>();
    List<Integer> dense = new ArrayList<>();
    for (String raw : history) {
      int index = recommender.indexOf(raw);
      if (index < 0) {
        unknown.add(raw);
      } else {
        dense.add(index);
      }
    }
    if (dense.isEmpty()) {
      throw new UserException("none of the history's items " + history + " is known to the model ("
          + recommender.numItems() + " items, e.g. " + recommender.rawId(1) + ")");
    }
    int[] ids = dense.stream().mapToInt(Integer::intValue).toArray();
    Set<Integer> seen = new HashSet<>(dense);
    List<Recommender.Scored> top = recommender.recommend(ids, k, includeSeen ? null : seen::contains);
    return new Recommendations(history, top, titles, unknown, !includeSeen);
  }

  List<Recommender.Scored> top() {
    return top;
  }

  List<String> unknownItems() {
    return unknown;
  }

  String title(String rawId) {
    String t = titles == null ? null : titles.title(rawId);
    return t == null ? "" : t;
  }

  /** "Title (id)" when the title is known, else the id. */
  String describe(String rawId) {
    String t = title(rawId);
    return t.isEmpty() ? rawId : t + " [" + rawId + "]";
  }

  /** The recent history, then the ranked list. */
  String text(String who, int recent) {
    StringBuilder out = new StringBuilder();
    int from = Math.max(0, history.size() - recent);
    out.append(String.format(Locale.ROOT, "%s: %d items in the history; the last %d (newest last):%n", who,
        history.size(), history.size() - from));
    for (int i = from; i < history.size(); i++) {
      out.append("      ").append(describe(history.get(i))).append(System.lineSeparator());
    }
    out.append(String.format(Locale.ROOT, "top-%d%s:%n", top.size(), seenExcluded
        ? " (items of the history excluded)" : ""));
    for (int i = 0; i < top.size(); i++) {
      Recommender.Scored s = top.get(i);
      out.append(String.format(Locale.ROOT, "  %2d. %-8s %8.3f  %s%n", i + 1, s.rawId(), s.score(),
          title(s.rawId())));
    }
    return out.toString();
  }

  /** The recent history and the recommendations in two columns, for the demo. */
  String sideBySide(String historyHeader, String topHeader, int recent, int width) {
    List<String> left = new ArrayList<>();
    List<String> right = new ArrayList<>();
    left.add(historyHeader);
    right.add(topHeader);
    int from = Math.max(0, history.size() - recent);
    for (int i = from; i < history.size(); i++) {
      left.add("  " + label(history.get(i)));
    }
    for (int i = 0; i < top.size(); i++) {
      right.add(String.format(Locale.ROOT, "%2d. %s", i + 1, label(top.get(i).rawId())));
    }
    StringBuilder out = new StringBuilder();
    for (int row = 0; row < Math.max(left.size(), right.size()); row++) {
      String l = row < left.size() ? left.get(row) : "";
      String r = row < right.size() ? right.get(row) : "";
      out.append(String.format(Locale.ROOT, "  %-" + width + "s  %s", clip(l, width), r).stripTrailing())
          .append(System.lineSeparator());
    }
    return out.toString();
  }

  private String label(String rawId) {
    String t = title(rawId);
    return t.isEmpty() ? "item " + rawId : t;
  }

  private static String clip(String text, int width) {
    return text.length() <= width ? text : text.substring(0, width - 1) + "…";
  }

  /** {"history": [...], "recommendations": [{"rank", "item", "title", "score"}], "unknown_items": [...]}. */
  String json(String user) {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    if (user != null) {
      root.put("user", user);
    }
    ArrayNode h = root.putArray("history");
    for (String raw : history) {
      ObjectNode item = h.addObject().put("item", raw);
      if (!title(raw).isEmpty()) {
        item.put("title", title(raw));
      }
    }
    root.put("seen_items_excluded", seenExcluded);
    ArrayNode recs = root.putArray("recommendations");
    for (int i = 0; i < top.size(); i++) {
      Recommender.Scored s = top.get(i);
      ObjectNode item = recs.addObject().put("rank", i + 1).put("item", s.rawId());
      if (!title(s.rawId()).isEmpty()) {
        item.put("title", title(s.rawId()));
      }
      item.put("score", s.score());
    }
    ArrayNode missing = root.putArray("unknown_items");
    unknown.forEach(missing::add);
    try {
      return mapper.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("JSON output failed", e);
    }
  }
}
