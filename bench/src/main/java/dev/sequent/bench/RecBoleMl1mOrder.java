package dev.sequent.bench;

import dev.sequent.core.data.AtomicFiles;
import dev.sequent.core.data.DataSource;
import dev.sequent.core.data.InteractionFormat;
import dev.sequent.core.data.InteractionReader;
import dev.sequent.core.data.RawInteractions;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes MovieLens-1M in the order RecBole 1.x trains and evaluates on, as "user movie" lines for
 * {@code data.format: pairs}, {@code tie_rule: stable}.
 *
 * <p>RecBole keeps float fields as 32-bit floats, so its stable sort by timestamp sees ML-1M's timestamps
 * (~9.8e8 s) in steps of 64 seconds, and ratings within one step keep the order of its {@code ml-1m.inter},
 * which is ratings.dat's order. That order is not chronological: within a user it follows a nearly fixed
 * order of movies (a pair of movies rated by many users comes in the same order for 97% of them). In
 * RecBole's sequences 72% of consecutive ratings share a step, so most "next items" follow that file order.
 * For users 1–2999 the test item differs from the chronological one (same-second ties in file order) for
 * 20% of users, and from the (time, movie id) order of the timestamp file for 42%.
 *
 * <p>Given RecBole's own {@code ml-1m.inter} (ratings.dat's rows), {@code data.format: inter} with {@code
 * data.tie_rule: recbole} gives this order directly. ../shared has ratings.dat only for users 1–2999, so
 * this tool rebuilds the order from what is there. Users 1–2999 take their exact order. For the
 * other users each step is ordered by an estimate of the movie order: a movie's mean relative position
 * (i + ½)/n in the file lists of users 1–2999 (0.5 for a movie none of them rated). On users 1–2999 that
 * estimate orders 92.6% of the consecutive same-step pairs as the file does; ordered by it, their test
 * item would change for 3.5% of them and the validation item for 7.0%.
 *
 * <pre>
 *   java -cp "bench/target/classes:$(cat bench/target/cp.txt)" dev.sequent.bench.RecBoleMl1mOrder \
 *       [../shared/data/ml-1m] [runs/data/ml-1m-recbole-order.txt.gz]
 * </pre>
 */
public final class RecBoleMl1mOrder {
  static final String RAW = "ratings_users_0001-2999_PARTIAL.dat.gz";
  static final String FIVE_CORE = "ml-1m_5core_timestamps.tsv.gz";

  /** One rating: movie and Unix seconds. */
  record Rating(int movie, long seconds) {}

  private RecBoleMl1mOrder() {}

  public static void main(String[] args) throws IOException {
    Path dataDir = Path.of(args.length > 0 ? args[0] : "../shared/data/ml-1m");
    Path output = Path.of(args.length > 1 ? args[1] : "runs/data/ml-1m-recbole-order.txt.gz");
    Map<Integer, List<Rating>> raw = read(dataDir.resolve(RAW), InteractionFormat.groupLens());
    Map<Integer, List<Rating>> fiveCore = read(dataDir.resolve(FIVE_CORE), InteractionFormat.tsv3());
    Map<Integer, Double> movieOrder = movieOrder(raw);
    StringBuilder lines = new StringBuilder();
    for (Map.Entry<Integer, List<Rating>> user : fiveCore.entrySet()) {
      for (Rating r : recBoleOrder(user.getValue(), raw.get(user.getKey()), movieOrder)) {
        lines.append(user.getKey()).append(' ').append(r.movie()).append('\n');
      }
    }
    AtomicFiles.write(output, out -> {
      try (Writer w = new OutputStreamWriter(new GZIPOutputStream(out), StandardCharsets.US_ASCII)) {
        w.write(lines.toString());
      }
    });
    System.out.println("wrote " + output + ": " + fiveCore.size() + " users, " + raw.size()
        + " of them in ratings.dat's exact order");
  }

  /**
   * A user's ratings sorted as RecBole sorts them: by the timestamp rounded to a float, ties in file order.
   * With the user's ratings.dat rows, the file order is theirs; without, the estimated movie order.
   */
  static List<Rating> recBoleOrder(List<Rating> ratings, List<Rating> fileOrder, Map<Integer, Double> movieOrder) {
    Comparator<Rating> tie;
    if (fileOrder != null) {
      Map<Integer, Integer> position = new HashMap<>();
      for (int i = 0; i < fileOrder.size(); i++) {
        position.put(fileOrder.get(i).movie(), i);
      }
      tie = Comparator.comparingInt(r -> position.get(r.movie()));
    } else {
      tie = Comparator.comparingDouble(r -> movieOrder.getOrDefault(r.movie(), 0.5));
    }
    List<Rating> sorted = new ArrayList<>(ratings);
    sorted.sort(Comparator.<Rating>comparingDouble(r -> (float) r.seconds()).thenComparing(tie));
    return sorted;
  }

  /** Each movie's mean relative position (i + ½)/n in the users' file lists. */
  static Map<Integer, Double> movieOrder(Map<Integer, List<Rating>> fileLists) {
    Map<Integer, Double> sum = new HashMap<>();
    Map<Integer, Integer> count = new HashMap<>();
    for (List<Rating> list : fileLists.values()) {
      for (int i = 0; i < list.size(); i++) {
        sum.merge(list.get(i).movie(), (i + 0.5) / list.size(), Double::sum);
        count.merge(list.get(i).movie(), 1, Integer::sum);
      }
    }
    Map<Integer, Double> mean = new HashMap<>();
    sum.forEach((movie, s) -> mean.put(movie, s / count.get(movie)));
    return mean;
  }

  /** A ratings file's rows grouped by user, users and rows in file order (the project's reader and errors). */
  static Map<Integer, List<Rating>> read(Path file, InteractionFormat format) throws IOException {
    RawInteractions rows = InteractionReader.read(DataSource.of(file, format));
    Map<Integer, List<Rating>> users = new LinkedHashMap<>();
    for (int row = 0; row < rows.size(); row++) {
      users.computeIfAbsent(Integer.parseInt(rows.userId(rows.userCode(row))), u -> new ArrayList<>())
          .add(new Rating(Integer.parseInt(rows.itemId(rows.itemCode(row))), rows.timestamp(row)));
    }
    return users;
  }
}
