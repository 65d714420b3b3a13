using Portal.Connectors.Anonymization;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Tests;

/// <summary>
/// The class tables the export picks between (dense, sparse, text) give every row the same class as a plain
/// tuple-keyed table would, and fall back to text keys when class numbers would overflow.
/// </summary>
public sealed class ClassTableLayoutTests
{
    [Fact]
    public void Dense_sparse_and_text_class_tables_agree_with_the_tuple_keyed_table()
    {
        var random = new Random(5);
        Cell RandomCell(int column) => random.Next(12) switch
        {
            0 => Cell.Null,
            1 => Cell.FromInteger(random.Next(-3, 4)),
            2 => Cell.FromDate(new DateOnly(2000, 1, 1).AddDays(random.Next(3))),
            3 => Cell.FromText(""),
            _ => Cell.FromText(column + ":" + random.Next(20)),
        };
        var groups = Enumerable.Range(0, 400).Select(_ => (Tuple: Enumerable.Range(0, 3).Select(RandomCell).ToArray(), Rows: (long)random.Next(1, 9))).ToList();
        var reference = new EquivalenceClasses(countedBefore: true);
        var counted = new CountedGroups(3);
        foreach (var (tuple, rows) in groups)
        {
            reference.AddCounted(tuple, rows);
            counted.Add(tuple, rows);
        }
        // Streamed rows: counted tuples (some more often than counted) and tuples the count never saw.
        var stream = Enumerable.Range(0, 3000)
            .Select(i => i % 10 == 0 ? Enumerable.Range(0, 3).Select(RandomCell).ToArray() : groups[random.Next(groups.Count)].Tuple)
            .ToList();
        var expected = stream.Select(t => reference.Stream(t)).ToList();
        Assert.Contains(-1L, expected);
        foreach (var kind in new[] { ClassTableKind.Dense, ClassTableKind.Sparse, ClassTableKind.Text, ClassTableKind.Automatic })
        {
            var columns = new[] { new ColumnOrdinals(), new ColumnOrdinals(), new ColumnOrdinals() };
            // A value the stream saw before the counts arrived but the count never did: it must not match a class.
            columns[0].Find(Cell.FromText("only streamed"));
            var index = ClassIndex.Build(counted, columns, kind);
            Assert.Equal(kind == ClassTableKind.Automatic ? ClassTableKind.Dense : kind, index.Kind);
            Assert.Equal(-1, index.Stream([Cell.FromText("only streamed"), groups[0].Tuple[1], groups[0].Tuple[2]]));
            Assert.Equal(expected, stream.Select(t => index.Stream(t)).ToList());
            foreach (var k in new[] { 1, 3, 8, 20 })
            {
                Assert.Equal(reference.Summarize(k), index.Summarize(k));
            }
            Assert.Equal(reference.StreamMatchesCount(), index.StreamMatchesCount());
        }
    }

    [Fact]
    public void Column_values_that_would_overflow_a_class_number_fall_back_to_the_text_table()
    {
        var counted = new CountedGroups(5);
        for (var i = 0; i < 70_000; i++)
        {
            counted.Add([Cell.FromInteger(i), Cell.FromInteger(i + 1), Cell.FromInteger(i + 2), Cell.FromInteger(i + 3), Cell.FromInteger(i + 4)], 1);
        }
        var columns = Enumerable.Range(0, 5).Select(_ => new ColumnOrdinals()).ToArray();
        var index = ClassIndex.Build(counted, columns);
        Assert.Equal(ClassTableKind.Text, index.Kind);
        Assert.Equal(1, index.Stream([Cell.FromInteger(7), Cell.FromInteger(8), Cell.FromInteger(9), Cell.FromInteger(10), Cell.FromInteger(11)]));
        Assert.Equal(-1, index.Stream([Cell.FromInteger(7), Cell.FromInteger(8), Cell.FromInteger(9), Cell.FromInteger(10), Cell.FromInteger(12)]));
    }
}
