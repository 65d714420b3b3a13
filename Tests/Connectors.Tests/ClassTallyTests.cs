using Portal.Connectors.Anonymization;

namespace Portal.Connectors.Tests;

/// <summary>The first pass's class counts against a plain dictionary of the same tuples.</summary>
public sealed class ClassTallyTests
{
    private static Dictionary<string, long> Expected(IEnumerable<int[]> rows) =>
        rows.GroupBy(r => string.Join(",", r)).ToDictionary(g => g.Key, g => (long)g.Count());

    private static Dictionary<string, long> Tallied(ClassTally tally, int columns)
    {
        var groups = new CountedGroups(columns);
        tally.CopyTo(groups);
        var result = new Dictionary<string, long>();
        for (var g = 0; g < groups.Count; g++)
        {
            var key = string.Join(",", Enumerable.Range(0, columns).Select(c => groups.Ordinal(g, c)));
            Assert.False(result.ContainsKey(key), "a class is handed over once");
            result[key] = groups.Rows(g);
        }
        return result;
    }

    [Fact]
    public void Counts_every_class_while_columns_outgrow_their_bits()
    {
        var random = new Random(11);
        // Ordinals appear in growing order, as a column numbers new values: the layout is redone several times.
        var rows = Enumerable.Range(0, 50_000).Select(i => new[] { random.Next(1 + (i / 500)), random.Next(3), random.Next(1 + (i / 50)) }).ToList();
        var tally = new ClassTally(3);
        foreach (var row in rows)
        {
            tally.Add(row);
        }
        Assert.False(tally.IsSparse);
        Assert.Equal(Expected(rows), Tallied(tally, 3));
    }

    [Fact]
    public void Moves_to_a_hash_table_past_the_dense_limit_and_keeps_the_counts()
    {
        var random = new Random(12);
        var rows = Enumerable.Range(0, 30_000).Select(i => new[] { random.Next(40), i < 10_000 ? random.Next(100) : random.Next(1 << 20), random.Next(5) }).ToList();
        var tally = new ClassTally(3);
        foreach (var row in rows)
        {
            tally.Add(row);
        }
        Assert.True(tally.IsSparse);
        Assert.Equal(Expected(rows), Tallied(tally, 3));
    }

    [Fact]
    public void No_quasi_identifier_is_one_class()
    {
        var tally = new ClassTally(0);
        for (var i = 0; i < 7; i++)
        {
            tally.Add([]);
        }
        var groups = new CountedGroups(0);
        tally.CopyTo(groups);
        Assert.Equal(1, groups.Count);
        Assert.Equal(7, groups.Rows(0));
    }
}
