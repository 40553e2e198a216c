package dev.sequent.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InteractionReaderTest {
  @TempDir Path temp;

  private static RawInteractions read(Path file, InteractionFormat format) throws IOException {
    return InteractionReader.read(DataSource.of(file, format));
  }

  /** "user item timestamp rating" of every row, for compact assertions. */
  private static List<String> rows(RawInteractions raw) {
    List<String> rows = new ArrayList<>();
    for (int r = 0; r < raw.size(); r++) {
      String row = raw.userId(raw.userCode(r)) + " " + raw.itemId(raw.itemCode(r));
      if (raw.hasTimestamps()) {
        row += " t" + raw.timestamp(r);
      }
      if (raw.hasRatings()) {
        row += " r" + raw.rating(r);
      }
      rows.add(row);
    }
    return rows;
  }

  @Test
  void csvWithHeaderQuotesAndWindowsLineEnds() throws IOException {
    RawInteractions raw =
        read(
            Fixtures.resource("ratings.csv"),
            InteractionFormat.csv(ColumnMapping.byName("userId", "movieId", "timestamp", "rating")));
    assertEquals(List.of("1 10 t100 r4.0", "1 20 t90 r3.0", "2 10 t50 r5.0"), rows(raw));
    assertEquals(5, raw.report().linesRead()); // header, 3 rows, 1 blank line
    assertEquals(0, raw.report().skippedLines());
  }

  @Test
  void csvColumnsMatchIgnoringCaseAndRatingIsOptional() throws IOException {
    RawInteractions raw =
        read(
            Fixtures.resource("ratings.csv"),
            InteractionFormat.csv(ColumnMapping.byName("USERID", "movieid", null, null)));
    assertFalse(raw.hasTimestamps());
    assertFalse(raw.hasRatings());
    assertEquals(List.of("1 10", "1 20", "2 10"), rows(raw));
  }

  @Test
  void missingHeaderColumnNamesFileLineAndAvailableColumns() {
    Path file = Fixtures.resource("ratings.csv");
    DataFormatException error =
        assertThrows(
            DataFormatException.class,
            () ->
                read(
                    file,
                    InteractionFormat.csv(ColumnMapping.byName("userId", "itemId", null, null))));
    assertEquals(file, error.file());
    assertEquals(1, error.lineNumber());
    assertEquals("userId,movieId,rating,timestamp", error.lineText());
    assertTrue(error.getMessage().contains("\"itemId\""), error.getMessage());
    assertTrue(error.getMessage().contains("[userId, movieId, rating, timestamp]"));
  }

  @Test
  void tsv3WithoutHeader() throws IOException {
    RawInteractions raw = read(Fixtures.resource("interactions.tsv3"), InteractionFormat.tsv3());
    assertEquals(List.of("1 10 t100", "1 20 t90", "2 10 t50"), rows(raw));
  }

  @Test
  void groupLensDat() throws IOException {
    RawInteractions raw = read(Fixtures.resource("ratings.dat"), InteractionFormat.groupLens());
    assertEquals(
        List.of("1 10 t978300760 r5.0", "1 20 t978300700 r3.0", "2 10 t978300800 r4.0"),
        rows(raw));
  }

  @Test
  void ml100kUdataHasRatingBeforeTimestamp() throws IOException {
    RawInteractions raw = read(Fixtures.resource("u.data"), InteractionFormat.ml100k());
    assertEquals(
        List.of("7 42 t1000000050 r3.0", "8 43 t1000000070 r1.0", "7 44 t1000000010 r5.0"),
        rows(raw));
  }

  @Test
  void recBoleTypedHeaderAcceptsIntegralFloatTimestamps() throws IOException {
    RawInteractions raw = read(Fixtures.resource("sample.inter"), InteractionFormat.recBole());
    assertEquals(List.of("7 42 t1000000050 r3.0", "8 43 t1000000070 r3.0"), rows(raw));
  }

  @Test
  void recBoleFieldsInAnyOrderAndRatingOptional() throws IOException {
    RawInteractions raw = read(Fixtures.resource("reordered.inter"), InteractionFormat.recBole());
    assertFalse(raw.hasRatings());
    assertEquals(List.of("b 5 t30", "a 7 t20"), rows(raw));
  }

  @Test
  void recBoleHeaderWithoutTypesIsAnError() throws IOException {
    Path file = temp.resolve("bad.inter");
    Files.writeString(file, "user_id\titem_id\n1\t2\n");
    DataFormatException error =
        assertThrows(DataFormatException.class, () -> read(file, InteractionFormat.recBole()));
    assertEquals(1, error.lineNumber());
    assertTrue(error.getMessage().contains("name:type"), error.getMessage());
  }

  @Test
  void sasRecPairsKeepFileOrderWithoutTimestamps() throws IOException {
    RawInteractions raw = read(Fixtures.resource("pairs.txt"), InteractionFormat.sasRecPairs());
    assertFalse(raw.hasTimestamps());
    assertEquals(List.of("1 5", "1 3", "2 5", "1 5"), rows(raw));
  }

  @Test
  void userSequencesOneLinePerUser() throws IOException {
    RawInteractions raw =
        read(Fixtures.resource("sequences.txt"), InteractionFormat.userSequences());
    // User 3 has no items: legal, contributes nothing.
    assertEquals(List.of("1 5", "1 3", "1 5", "2 7"), rows(raw));
  }

  @Test
  void gzipIsDetectedBySuffix() throws IOException {
    Path gz = Fixtures.gzip(Fixtures.resource("pairs.txt"), temp.resolve("pairs.txt.gz"));
    assertEquals(
        List.of("1 5", "1 3", "2 5", "1 5"), rows(read(gz, InteractionFormat.sasRecPairs())));
  }

  @Test
  void gzipIsDetectedByMagicBytesWithoutSuffix() throws IOException {
    Path gz = Fixtures.gzip(Fixtures.resource("ratings.dat"), temp.resolve("ratings-compressed"));
    assertEquals(3, read(gz, InteractionFormat.groupLens()).size());
  }

  @Test
  void gzSuffixOnPlainTextIsAClearError() throws IOException {
    Path fake = temp.resolve("plain.txt.gz");
    Files.writeString(fake, "1 2\n");
    IOException error =
        assertThrows(IOException.class, () -> read(fake, InteractionFormat.sasRecPairs()));
    assertTrue(error.getMessage().contains("plain.txt.gz"), error.getMessage());
    assertTrue(error.getMessage().contains("gzip"), error.getMessage());
  }

  @Test
  void malformedLineNamesFileLineNumberAndText() throws IOException {
    Path file = temp.resolve("ratings.dat");
    Files.writeString(file, "1::10::5::100\n\n1::20::5\n2::10::4::300\n");
    DataFormatException error =
        assertThrows(DataFormatException.class, () -> read(file, InteractionFormat.groupLens()));
    assertEquals(file, error.file());
    assertEquals(3, error.lineNumber());
    assertEquals("1::20::5", error.lineText());
    assertTrue(error.getMessage().startsWith(file + ":3: "), error.getMessage());
    assertTrue(error.getMessage().contains("\"1::20::5\""), error.getMessage());
  }

  @Test
  void badNumbersAreMalformed() throws IOException {
    Path file = temp.resolve("x.tsv");
    Files.writeString(file, "1\t10\t100\n1\t11\tyesterday\n1\t12\t1.5\n");
    DataFormatException error =
        assertThrows(DataFormatException.class, () -> read(file, InteractionFormat.tsv3()));
    assertEquals(2, error.lineNumber());
    assertTrue(error.problem().contains("\"yesterday\" is not a number"), error.problem());
  }

  @Test
  void skippingMalformedLinesCountsThem() throws IOException {
    Path file = temp.resolve("x.tsv");
    Files.writeString(file, "1\t10\t100\n1\t11\tyesterday\n1\t12\t1.5\n2\n2\t13\t7\n");
    RawInteractions raw =
        InteractionReader.read(
            new DataSource(List.of(file), InteractionFormat.tsv3(), ReadOptions.skippingMalformedLines()));
    assertEquals(List.of("1 10 t100", "2 13 t7"), rows(raw));
    assertEquals(3, raw.report().skippedLines());
    assertEquals(3, raw.report().skippedExamples().size());
    assertTrue(raw.report().skippedExamples().get(1).contains(":3: "));
    assertTrue(raw.report().skippedExamples().get(1).contains("fractional"));
    assertTrue(raw.report().describe().contains("skipped 3 malformed lines"));
  }

  @Test
  void pairsWithThreeFieldsAreMalformed() throws IOException {
    Path file = temp.resolve("pairs.txt");
    Files.writeString(file, "1 2\n1 2 3\n");
    DataFormatException error =
        assertThrows(DataFormatException.class, () -> read(file, InteractionFormat.sasRecPairs()));
    assertEquals(2, error.lineNumber());
    assertEquals("1 2 3", error.lineText());
  }

  @Test
  void severalFilesAreReadInOrder() throws IOException {
    Path first = temp.resolve("a.txt");
    Path second = temp.resolve("b.txt");
    Files.writeString(first, "1 5\n");
    Files.writeString(second, "1 6\n2 5\n");
    RawInteractions raw =
        InteractionReader.read(
            new DataSource(List.of(first, second), InteractionFormat.sasRecPairs(), null));
    assertEquals(List.of("1 5", "1 6", "2 5"), rows(raw));
    assertEquals(3, raw.report().linesRead());
  }

  @Test
  void missingFileIsAnIoErrorNamingIt() {
    Path missing = temp.resolve("nope.csv");
    IOException error =
        assertThrows(IOException.class, () -> read(missing, InteractionFormat.tsv3()));
    assertTrue(error.getMessage().contains("nope.csv"), error.getMessage());
  }
}
