package dev.sequent.core.data;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The layout of an interaction file. Use the factory methods; each names the format as the papers'
 * code and the data README do.
 *
 * <ul>
 *   <li>{@link #csv}/{@link #tsv}: a header line and a {@link ColumnMapping} (CSV fields may be
 *       quoted as in RFC 4180);
 *   <li>{@link #tsv3()}: {@code user TAB item TAB timestamp}, no header;
 *   <li>{@link #groupLens()}: {@code UserID::MovieID::Rating::Timestamp} ({@code ratings.dat});
 *   <li>{@link #ml100k()}: ML-100K {@code u.data}, {@code user TAB item TAB rating TAB timestamp};
 *   <li>{@link #recBole()}: a RecBole atomic {@code .inter} file with a typed header such as {@code
 *       user_id:token item_id:token rating:float timestamp:float};
 *   <li>{@link #sasRecPairs()}: {@code user item} per line, file order is time order, no
 *       timestamps;
 *   <li>{@link #userSequences()}: {@code user i1 i2 …}, one line per user, chronological.
 * </ul>
 *
 * <p>Pairs and sequences are split on runs of spaces or tabs. All other formats split on the exact
 * delimiter and trim spaces around each field.
 */
public record InteractionFormat(
    Kind kind, char delimiter, boolean header, boolean quoting, ColumnMapping columns, Charset charset) {

  /** The parser family. */
  public enum Kind {
    DELIMITED,
    GROUPLENS,
    RECBOLE,
    PAIRS,
    SEQUENCES
  }

  public InteractionFormat {
    if (kind == null || charset == null) {
      throw new IllegalArgumentException("kind and charset are required");
    }
    if ((kind == Kind.DELIMITED || kind == Kind.RECBOLE) && columns == null) {
      throw new IllegalArgumentException(kind + " needs a column mapping");
    }
    if (kind == Kind.DELIMITED && !header && !columns.byIndex()) {
      throw new IllegalArgumentException(
          "a file without a header needs columns by position (ColumnMapping.byIndex)");
    }
  }

  /** Comma-separated with a header line; fields may be quoted (RFC 4180). */
  public static InteractionFormat csv(ColumnMapping columns) {
    return new InteractionFormat(Kind.DELIMITED, ',', true, true, columns, StandardCharsets.UTF_8);
  }

  /** Tab-separated with a header line. */
  public static InteractionFormat tsv(ColumnMapping columns) {
    return new InteractionFormat(Kind.DELIMITED, '\t', true, false, columns, StandardCharsets.UTF_8);
  }

  /** Any single-character delimiter, with or without a header, without quoting. */
  public static InteractionFormat delimited(char delimiter, boolean header, ColumnMapping columns) {
    return new InteractionFormat(
        Kind.DELIMITED, delimiter, header, false, columns, StandardCharsets.UTF_8);
  }

  /** {@code user TAB item TAB timestamp} without a header (the data README's "tsv3"). */
  public static InteractionFormat tsv3() {
    return delimited('\t', false, ColumnMapping.byIndex(0, 1, 2, -1));
  }

  /** ML-100K {@code u.data}: {@code user TAB item TAB rating TAB timestamp}, no header. */
  public static InteractionFormat ml100k() {
    return delimited('\t', false, ColumnMapping.byIndex(0, 1, 3, 2));
  }

  /** GroupLens {@code ratings.dat}: {@code UserID::MovieID::Rating::Timestamp}. */
  public static InteractionFormat groupLens() {
    return new InteractionFormat(
        Kind.GROUPLENS, ':', false, false, null, StandardCharsets.ISO_8859_1);
  }

  /**
   * RecBole atomic {@code .inter} file, columns {@code user_id}, {@code item_id}, {@code timestamp}
   * and {@code rating} (the latter two used when present in the header).
   */
  public static InteractionFormat recBole() {
    return recBole(ColumnMapping.byName("user_id", "item_id", "timestamp", "rating"));
  }

  /** RecBole atomic file with other field names (matched against the part before the ':'). */
  public static InteractionFormat recBole(ColumnMapping fieldNames) {
    return new InteractionFormat(Kind.RECBOLE, '\t', true, false, fieldNames, StandardCharsets.UTF_8);
  }

  /** SASRec/BERT4Rec {@code user item} pairs; file order is time order; no timestamps. */
  public static InteractionFormat sasRecPairs() {
    return new InteractionFormat(Kind.PAIRS, ' ', false, false, null, StandardCharsets.UTF_8);
  }

  /** S3Rec/ICLRec one line per user: {@code user i1 i2 …}, chronological; no timestamps. */
  public static InteractionFormat userSequences() {
    return new InteractionFormat(Kind.SEQUENCES, ' ', false, false, null, StandardCharsets.UTF_8);
  }

  /** Whether the parsed data can carry timestamps. */
  public boolean hasTimestamps() {
    return switch (kind) {
      case GROUPLENS -> true;
      case PAIRS, SEQUENCES -> false;
      case DELIMITED, RECBOLE -> columns.hasTimestamp();
    };
  }

  public Map<String, String> toMap() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
    if (kind == Kind.DELIMITED) {
      map.put("delimiter", delimiter == '\t' ? "\\t" : String.valueOf(delimiter));
      map.put("header", Boolean.toString(header));
      map.put("quoting", Boolean.toString(quoting));
    }
    if (columns != null) {
      map.put("columns", columns.describe());
    }
    map.put("charset", charset.name());
    return map;
  }

  /** A stable one-line description, part of the cache fingerprint. */
  public String describe() {
    return toMap().toString();
  }
}
