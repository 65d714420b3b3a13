using Portal.Connectors.Anonymization;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Tests;

public sealed class ColumnOrdinalsTests
{
    [Fact]
    public void Column_ordinals_are_one_per_kind_and_canonical_text()
    {
        var column = new ColumnOrdinals();
        var buffer = "M12345".ToCharArray();
        var values = new[]
        {
            Cell.FromText("42"), Cell.FromInteger(42), Cell.FromText(""), Cell.Null, Cell.FromText("M"), Cell.FromText(buffer.AsMemory(0, 1)),
            Cell.FromText("abc"), Cell.FromText("abcd"), Cell.FromText("abcd".ToCharArray()), Cell.FromDate(new DateOnly(1990, 1, 1)),
            Cell.FromReal(double.NaN), Cell.FromReal(-double.NaN), Cell.FromReal(0.0), Cell.FromReal(-0.0), Cell.FromBoolean(true), Cell.FromInteger(1),
        };
        var ordinals = values.Select(column.Find).ToArray();
        // Same kind and same text: same ordinal (a slice of a buffer included); otherwise a new one.
        Assert.Equal([0, 1, 2, 3, 4, 4, 5, 6, 6, 7, 8, 8, 9, 10, 11, 12], ordinals);
        buffer[0] = 'F';
        Assert.Equal("M", column.Value(4).ToString());
        column.Frozen = true;
        Assert.Equal(-1, column.Find(Cell.FromText("F")));
        Assert.Equal(-1, column.Find(Cell.FromText("abcde")));
        Assert.Equal(6, column.Find(Cell.FromText("abcd")));
        var other = new ColumnOrdinals();
        other.Find(Cell.FromText("abcd"));
        other.Find(Cell.FromText("new"));
        column.Frozen = false;
        Assert.Equal([6, 13], column.Translate(other));
    }

    [Fact]
    public void Short_ascii_texts_and_other_texts_never_share_an_ordinal()
    {
        var column = new ColumnOrdinals();
        string[] texts = ["", "\0", "\0\0", "1987", "abcdefg", "abcdefgh", "é", "e", "\u007f", "\u0080", "F", "F ", " F", "abcdefg\0"];
        var ordinals = texts.Select(t => column.Find(Cell.FromText(t))).ToArray();
        Assert.Equal(Enumerable.Range(0, texts.Length), ordinals);
        Assert.Equal(ordinals, texts.Select(t => column.Find(Cell.FromText(new string(t.AsSpan())))));
        Assert.Equal(texts, Enumerable.Range(0, texts.Length).Select(o => column.Value(o).ToString()));
    }

    [Fact]
    public void The_long_table_agrees_with_a_dictionary_through_its_growth()
    {
        var random = new Random(21);
        var table = new LongOrdinalTable();
        var reference = new Dictionary<long, int>();
        long[] edges = [0, -1, 1, long.MinValue, long.MaxValue, 1L << 56, (1L << 56) | 'F'];
        var keys = edges.Concat(Enumerable.Range(0, 20_000).Select(i => i % 3 == 0 ? random.NextInt64() : i % 3 == 1 ? (long)i << 32 : i)).ToList();
        foreach (var key in keys)
        {
            var value = table.GetOrAdd(key, reference.Count, out var added);
            Assert.Equal(!reference.ContainsKey(key), added);
            if (added)
            {
                reference[key] = reference.Count;
            }
            Assert.Equal(reference[key], value);
        }
        Assert.Equal(reference.Count, table.Count);
        Assert.All(reference, pair => Assert.Equal(pair.Value, table.Find(pair.Key)));
        Assert.Equal(-1, table.Find(12345678901L));
    }
}
