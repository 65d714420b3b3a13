using System.Globalization;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Anonymization.Hierarchies;
using Portal.Connectors.Anonymization.Transforms;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Tests.Hierarchies;

/// <summary>
/// A hierarchy transform remembers each distinct value's generalization: its answers are the hierarchy's own, for every
/// kind of cell, past the number of values it remembers, and a value it has seen costs no allocation.
/// </summary>
public sealed class GeneralizationCacheTests
{
    private static readonly DateHierarchy Dates = new([DateHierarchy.Month, DateHierarchy.Year, DateHierarchy.FiveYears, DateHierarchy.TenYears]);

    private static string? Direct(IHierarchy hierarchy, Cell value, int level) =>
        hierarchy.Generalize(value.Kind == CellKind.Text ? value.Text.Span.Trim() : value.ToString(), level);

    private static string? Cached(ColumnTransform transform, Cell value)
    {
        try
        {
            return transform.Apply(value, Cell.Null).ToString();
        }
        catch (CellConversionException)
        {
            return null;
        }
    }

    public static TheoryData<int> DateLevels => [0, 1, 2, 3, 4, 5];

    [Theory]
    [MemberData(nameof(DateLevels))]
    public void Dates_as_dates_and_as_texts_get_the_hierarchys_answer_every_time(int level)
    {
        var transform = new HierarchyTransform(Dates, level, "date");
        var cells = new List<Cell>();
        for (var day = new DateOnly(1979, 12, 25); day < new DateOnly(1990, 1, 10); day = day.AddDays(3))
        {
            var text = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            cells.AddRange([Cell.FromDate(day), Cell.FromText(text), Cell.FromText(" " + text + " "), Cell.FromText(text + "T10:00:00")]);
        }
        cells.AddRange([Cell.FromDate(new DateOnly(2024, 2, 29)), Cell.FromText("2024-02-30"), Cell.FromText("1980-1-1"), Cell.FromText(""), Cell.FromInteger(19800101)]);
        // Twice: the second round answers from what the first remembered.
        foreach (var cell in cells.Concat(cells))
        {
            Assert.Equal(Direct(Dates, cell, level), Cached(transform, cell));
        }
    }

    [Fact]
    public void Past_the_values_it_remembers_every_answer_is_still_the_hierarchys()
    {
        var numbers = new NumberHierarchy([5, 10, 50], min: -1000, max: 50_000);
        var transform = new HierarchyTransform(numbers, 2, "number");
        var cells = Enumerable.Range(-2000, GeneralizationCache.MaxValues + 5000).Select(i => i % 3 == 0 ? Cell.FromText(i.ToString(CultureInfo.InvariantCulture) + ".0") : Cell.FromInteger(i)).ToList();
        foreach (var cell in cells.Concat(cells.Take(10_000)).Concat(cells.TakeLast(10_000)))
        {
            Assert.Equal(Direct(numbers, cell, 2), Cached(transform, cell));
        }
    }

    [Fact]
    public void Postcodes_short_and_long_texts_and_values_it_does_not_cover()
    {
        var postcodes = new PostcodeHierarchy(9);
        var transform = new HierarchyTransform(postcodes, 3, "postcode");
        string[] values = ["123456789", "12345678", "ABCDEFGHI", "abcdefghi", "1234567890", "12345", "É23456789", " 123456789", "123 56789", "1234567"];
        foreach (var value in values.Concat(values).Concat(values))
        {
            Assert.Equal(Direct(postcodes, Cell.FromText(value), 3), Cached(transform, Cell.FromText(value)));
        }
        Assert.Throws<CellConversionException>(() => transform.Apply(Cell.FromText("12345"), Cell.Null));
        Assert.True(transform.Apply(Cell.Null, Cell.Null).IsNull);
    }

    [Fact]
    public void A_value_seen_before_costs_no_allocation()
    {
        var date = new HierarchyTransform(Dates, 4, "date");
        var postcode = new HierarchyTransform(new PostcodeHierarchy(5), 4, "postcode");
        var days = Enumerable.Range(0, 2000).Select(i => Cell.FromDate(new DateOnly(1950, 1, 1).AddDays(i * 11))).ToArray();
        var codes = Enumerable.Range(0, 2000).Select(i => Cell.FromText((10_000 + (i * 37)).ToString(CultureInfo.InvariantCulture))).ToArray();
        var texts = days.Select(d => Cell.FromText(d.ToString() + "T00:00:00")).ToArray();
        void Round()
        {
            for (var i = 0; i < days.Length; i++)
            {
                date.Apply(days[i], Cell.Null);
                date.Apply(texts[i], Cell.Null);
                postcode.Apply(codes[i], Cell.Null);
            }
        }
        Round();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Round();
        Round();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
