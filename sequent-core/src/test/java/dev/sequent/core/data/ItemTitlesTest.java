package dev.sequent.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ItemTitlesTest {
  @TempDir Path temp;

  @Test
  void groupLensMoviesDatIsIso88591() throws IOException {
    ItemTitles titles = ItemTitles.read(Fixtures.resource("movies.dat"));
    assertEquals(2, titles.size());
    assertEquals("Tiny Film (1995)", titles.title("1"));
    assertEquals("Café Crème (2001)", titles.title("2"));
    assertNull(titles.title("3"));
  }

  @Test
  void moviesCsvFollowsRfc4180() throws IOException {
    ItemTitles titles = ItemTitles.read(Fixtures.resource("movies.csv"));
    assertEquals(4, titles.size());
    assertEquals("Lonely Planet, The (1995)", titles.title("11"));
    assertEquals("Say \"Hi\"", titles.title("12"));
    assertEquals("Two\nLines", titles.title("13"));
    assertEquals("Plain (2000)", titles.title("14"));
  }

  @Test
  void tabSeparatedTitlesAreUtf8() throws IOException {
    ItemTitles titles = ItemTitles.read(Fixtures.resource("item2title.tsv"));
    assertEquals("Crème, 1oz.", titles.title("101"));
    assertEquals("WAWO 15 Color Palette", titles.title("100"));
  }

  @Test
  void gzippedTitlesByName() throws IOException {
    Path gz = Fixtures.gzip(Fixtures.resource("movies.dat"), temp.resolve("movies.dat.gz"));
    assertEquals("Café Crème (2001)", ItemTitles.read(gz).title("2"));
  }

  @Test
  void describeUsesDenseIdsAndFallsBackToTheRawId() throws IOException {
    ItemTitles titles = ItemTitles.read(Fixtures.resource("movies.dat"));
    Vocabulary items = Vocabulary.ofItems(new String[] {"1", "7"});
    assertEquals("Tiny Film (1995)", titles.describe(1, items));
    assertEquals("[7]", titles.describe(2, items));
  }

  @Test
  void malformedTitleLineIsAnErrorOrSkipped() throws IOException {
    Path file = temp.resolve("titles.tsv");
    Files.writeString(file, "1\tOne\nno tab here\n2\tTwo\n");
    DataFormatException error =
        assertThrows(DataFormatException.class, () -> ItemTitles.read(file));
    assertEquals(2, error.lineNumber());
    assertEquals("no tab here", error.lineText());
    ItemTitles lenient = ItemTitles.read(file, ReadOptions.skippingMalformedLines());
    assertEquals(2, lenient.size());
    assertEquals(1, lenient.skippedLines());
  }

  @Test
  void unterminatedQuoteIsAnError() throws IOException {
    Path file = temp.resolve("movies.csv");
    Files.writeString(file, "movieId,title,genres\n1,\"Open,Drama\n");
    DataFormatException error =
        assertThrows(DataFormatException.class, () -> ItemTitles.read(file));
    assertEquals(2, error.lineNumber());
  }
}
