using Portal.Connectors.Anonymization;
using Portal.Connectors.Anonymization.Generalization;
using Portal.Connectors.Tests.Support;

namespace Portal.Connectors.Tests.Generalization;

/// <summary>Hierarchies the lattice cannot be built on are refused with a message that names the column and the fault.</summary>
public sealed class HostileHierarchyTests
{
    [Theory]
    [InlineData("a;x;*\nb;x;*\nc;y;*\n", null)]
    [InlineData("a;x;p\nb;x;q\n", "groups do not nest: 'x' at level 1")]
    [InlineData("a;b;*\nb;a;*\n", "cycle")]
    [InlineData("a;b;c\nc;d;a\nd;e;f\n", "cycle")]
    [InlineData("a;;*\nb;x;*\n", "empty label at level 1")]
    public void Shapes_are_checked(string text, string? error)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("h.csv"), text);
        var hierarchy = GeneralizationHierarchy.Load(folder.File("h.csv"));
        if (error is null)
        {
            var levels = HierarchyLevels.Build("col", hierarchy);
            Assert.Equal(3, levels.Height);
            Assert.Equal([3, 2, 1], levels.GroupCount);
            return;
        }
        var e = Assert.Throws<GeneralizationException>(() => HierarchyLevels.Build("col", hierarchy));
        Assert.StartsWith("column col: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(error, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a;x;*\nb;*\n", "levels where earlier lines have")]
    [InlineData("a;x;*\na;y;*\n", "listed twice")]
    [InlineData("\n\n", "empty")]
    public void Ragged_duplicate_and_empty_files_are_refused_by_the_parser(string text, string error)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("h.csv"), text);
        var e = Assert.Throws<FormatException>(() => GeneralizationHierarchy.Load(folder.File("h.csv")));
        Assert.Contains(error, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_missing_from_the_hierarchy_is_named_by_column_not_quoted()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("h.csv"), "a;*\nb;*\n");
        var levels = HierarchyLevels.Build("diagnosis", GeneralizationHierarchy.Load(folder.File("h.csv")));
        var builder = new GeneralizationInputBuilder([levels], sensitiveColumn: null);
        builder.Add(["a"], null);
        var e = Assert.Throws<GeneralizationException>(() => builder.Add(["secret-value"], null));
        Assert.Contains("record 2: the value of diagnosis is not in its hierarchy", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_to_generalize_is_an_error()
    {
        Assert.Throws<GeneralizationException>(() => new GeneralizationInputBuilder([], null));
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("h.csv"), "a;*\n");
        var builder = new GeneralizationInputBuilder([HierarchyLevels.Build("c", GeneralizationHierarchy.Load(folder.File("h.csv")))], null);
        Assert.Contains("no records", Assert.Throws<GeneralizationException>(builder.Build).Message, StringComparison.Ordinal);
    }
}
