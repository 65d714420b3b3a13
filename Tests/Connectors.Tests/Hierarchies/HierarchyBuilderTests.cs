using System.Globalization;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Anonymization.Hierarchies;

namespace Portal.Connectors.Tests.Hierarchies;

/// <summary>The four builders: their labels, their refusals, and monotone output for random inputs (seeded loops).</summary>
public sealed class HierarchyBuilderTests
{
    [Fact]
    public void Dates_go_day_month_year_band_top()
    {
        var h = new DateHierarchy();
        Assert.Equal(5, h.Levels);
        Assert.Equal(["1983-07-14", "1983-07", "1983", "1980-1984", "*"], Enumerable.Range(0, 5).Select(l => h.Generalize("1983-07-14", l)));
        var decades = new DateHierarchy([DateHierarchy.Year, DateHierarchy.TenYears]);
        Assert.Equal(["2021-01-02T10:00:00", "2021", "2020-2029", "*"], Enumerable.Range(0, 4).Select(l => decades.Generalize("2021-01-02T10:00:00", l)));
        Assert.Null(h.Generalize("14.07.1983", 1));
        Assert.Null(h.Generalize("1983-02-30", 4));
    }

    [Fact]
    public void Numbers_fall_in_nested_intervals_with_bottom_and_top_coding()
    {
        var h = new NumberHierarchy([5, 10, 50], min: 10, max: 90);
        Assert.Equal(["23", "[20, 25)", "[20, 30)", "[0, 50)", "*"], Enumerable.Range(0, 5).Select(l => h.Generalize("23", l)));
        Assert.Equal("[20, 25)", h.Generalize("20.0", 1));
        Assert.Equal("[-5, 0)", new NumberHierarchy([5]).Generalize("-0.5", 1));
        Assert.Equal("<10", h.Generalize("3", 3));
        Assert.Equal(">=90", h.Generalize("90", 1));
        Assert.Equal("*", h.Generalize("95", 4));
        Assert.Equal("[0.3, 0.4)", new NumberHierarchy([0.1m]).Generalize("0.35", 1));
        Assert.Null(h.Generalize("twelve", 1));
        Assert.Null(h.Generalize("1e30", 0));
    }

    [Fact]
    public void Postcodes_lose_one_character_per_level()
    {
        var h = new PostcodeHierarchy(5);
        Assert.Equal(["12345", "1234*", "123**", "12***", "1****", "*"], Enumerable.Range(0, 6).Select(l => h.Generalize("12345", l)));
        Assert.Null(h.Generalize("1234", 1));
        Assert.Null(h.Generalize("12 45", 1));
    }

    [Fact]
    public void Categories_build_a_table_with_a_top()
    {
        var h = CategoryHierarchy.Build([
            new Dictionary<string, IReadOnlyList<string>> { ["Viral"] = ["B20", "B21"], ["Carrier"] = ["Z21"] },
            new Dictionary<string, IReadOnlyList<string>> { ["HIV"] = ["B20", "B21", "Z21"] },
        ]);
        Assert.Equal(3, h.Levels);
        Assert.Equal(["B21", "Viral", "HIV"], Enumerable.Range(0, 3).Select(l => h.Generalize("B21", l)));
        Assert.Null(h.Generalize("A00", 1));
        var flat = CategoryHierarchy.Build([new Dictionary<string, IReadOnlyList<string>> { ["A"] = ["a"], ["B"] = ["b"] }]);
        Assert.Equal(["a", "A", "*"], Enumerable.Range(0, 3).Select(l => flat.Generalize("a", l)));
    }

    public static TheoryData<string, string> BadSpecs => new()
    {
        { """{ "kind": "shape" }""", "kind 'shape' is unknown" },
        { """{ "kind": "date", "steps": ["year", "month"] }""", "steps: 'month' must come before 'year'" },
        { """{ "kind": "date", "steps": ["week"] }""", "steps: 'week' is not one of" },
        { """{ "kind": "number" }""", "widths is required" },
        { """{ "kind": "number", "widths": [5, 12] }""", "widths[1] (12) must be a larger multiple of widths[0] (5)" },
        { """{ "kind": "number", "widths": [0] }""", "widths[0] must be between" },
        { """{ "kind": "number", "widths": [5], "min": 10, "max": 10 }""", "min must be below max" },
        { """{ "kind": "postcode", "length": 0 }""", "length is required" },
        { """{ "kind": "category", "groups": [] }""", "groups is required" },
        { """{ "kind": "category", "groups": [ { "A": ["a", "b"], "B": ["b"] } ] }""", "groups[0]: 'b' is in more than one group" },
        { """{ "kind": "category", "groups": [ { "A": ["a"], "B": ["b"] }, { "All": ["a"] } ] }""", "groups[1]: lists other values than groups[0]" },
        { """{ "kind": "category", "groups": [ { "A": [] } ] }""", "groups[0]: every group needs a name and at least one value" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public void Bad_specs_are_named_and_refused(string json, string problem)
    {
        var spec = System.Text.Json.JsonSerializer.Deserialize<HierarchyBuild>(json, AnonymizationProfile.JsonOptions)!;
        Assert.Contains(spec.Problems(), p => p.Contains(problem, StringComparison.Ordinal));
        Assert.Equal("hierarchy.build.invalid", Assert.Throws<ConnectorException>(spec.Create).Code);
    }

    [Fact]
    public void Category_groups_that_do_not_nest_are_refused_as_not_monotone()
    {
        var e = Assert.Throws<ConnectorException>(() => CategoryHierarchy.Build([
            new Dictionary<string, IReadOnlyList<string>> { ["A"] = ["a", "b"], ["C"] = ["c"] },
            new Dictionary<string, IReadOnlyList<string>> { ["P"] = ["a"], ["Q"] = ["b", "c"] },
        ]));
        Assert.Equal("hierarchy.not_monotone", e.Code);
    }

    /// <summary>
    /// Random specs and random values, 200 rounds per kind: the materialized table passes the validator, matches the
    /// computed generalization cell by cell, and (checked here independently) two values together at a level stay together above.
    /// </summary>
    [Theory]
    [InlineData(HierarchyBuild.Date)]
    [InlineData(HierarchyBuild.Number)]
    [InlineData(HierarchyBuild.Postcode)]
    [InlineData(HierarchyBuild.Category)]
    public void Built_hierarchies_are_monotone_for_random_inputs(string kind)
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var (spec, values) = RandomCase(kind, random);
            var table = spec.Build("c", values);
            var computed = spec.Create();
            Assert.Equal(computed.Levels, table.Levels);
            foreach (var value in values.Distinct())
            {
                for (var level = 0; level < table.Levels; level++)
                {
                    Assert.Equal(computed.Generalize(value, level), table.Generalize(value, level));
                }
            }
            AssertNested(table, values.Distinct().ToList());
        }
    }

    private static void AssertNested(GeneralizationHierarchy h, List<string> values)
    {
        for (var level = 1; level + 1 < h.Levels; level++)
        {
            foreach (var group in values.GroupBy(v => h.Generalize(v, level)))
            {
                Assert.Single(group.Select(v => h.Generalize(v, level + 1)).Distinct());
            }
        }
        Assert.Single(values.Select(v => h.Generalize(v, h.Levels - 1)).Distinct());
    }

    private static (HierarchyBuild Spec, List<string> Values) RandomCase(string kind, Random random)
    {
        var n = 1 + random.Next(300);
        switch (kind)
        {
            case HierarchyBuild.Date:
                var steps = DateHierarchy.Steps.Where(_ => random.Next(2) == 0).ToList();
                return (new HierarchyBuild { Kind = kind, Steps = steps },
                    [.. Enumerable.Range(0, n).Select(_ => new DateOnly(1900, 1, 1).AddDays(random.Next(60_000)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))]);
            case HierarchyBuild.Number:
                var widths = new List<decimal> { random.Next(3) switch { 0 => 0.5m, 1 => 1, _ => 1 + random.Next(10) } };
                for (var i = random.Next(4); i > 0; i--)
                {
                    widths.Add(widths[^1] * (2 + random.Next(4)));
                }
                decimal? min = random.Next(2) == 0 ? random.Next(-50, 50) : null;
                decimal? max = random.Next(2) == 0 ? (min ?? 0) + 1 + random.Next(200) : null;
                return (new HierarchyBuild { Kind = kind, Widths = widths, Min = min, Max = max },
                    [.. Enumerable.Range(0, n).Select(_ => (random.Next(-10_000, 10_000) / 37m).ToString(CultureInfo.InvariantCulture))]);
            case HierarchyBuild.Postcode:
                var length = 1 + random.Next(7);
                return (new HierarchyBuild { Kind = kind, Length = length },
                    [.. Enumerable.Range(0, n).Select(_ => string.Concat(Enumerable.Range(0, length).Select(_ => (char)('0' + random.Next(random.Next(1, 11))))))]);
            default:
                var leaves = Enumerable.Range(0, n).Select(i => $"v{i}").ToList();
                var groups = new List<IReadOnlyDictionary<string, IReadOnlyList<string>>>();
                var current = leaves.ToDictionary(v => v, v => (IReadOnlyList<string>)[v]);
                for (var level = random.Next(1, 5); level > 0; level--)
                {
                    // Merge random groups of the level below: nesting by construction, groups named after the level.
                    var names = current.Keys.ToList();
                    var parent = names.ToDictionary(g => g, _ => $"L{groups.Count}G{random.Next(1 + names.Count / 2)}");
                    current = names.GroupBy(g => parent[g]).ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.SelectMany(g => current[g])]);
                    groups.Add(current);
                }
                return (new HierarchyBuild { Kind = kind, Groups = groups }, leaves);
        }
    }
}
