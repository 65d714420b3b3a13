using Portal.Connectors.Anonymization;
using Portal.Connectors.Anonymization.Generalization;
using Portal.Connectors.Tests.Support;

namespace Portal.Connectors.Tests.Generalization;

/// <summary>Hierarchies the lattice cannot be built on are refused with a message that names the column and the fault.</summary>
public sealed class HostileHierarchyTests
{
    [Theory]
    [InlineData("a;x;*\nb;x;*\nc;y;*\n", null)]
    [InlineData("a;x;p;*\nb;x;q;*\n", "hierarchy.not_monotone")]
    [InlineData("a;b;*\nb;a;*\n", "hierarchy.label_conflict")]
    [InlineData("a;x;y;*\nb;y;x;*\n", "hierarchy.cycle")]
    [InlineData("a;;*\nb;x;*\n", "hierarchy.empty_label")]
    [InlineData("a;x;*\nb;*\n", "hierarchy.ragged")]
    [InlineData("a;x;*\na;y;*\n", "hierarchy.duplicate_value")]
    [InlineData("\n\n", "hierarchy.empty")]
    public void Shapes_the_lattice_cannot_use_are_refused_when_the_file_is_loaded(string text, string? code)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("h.csv"), text);
        if (code is null)
        {
            var levels = HierarchyLevels.Build("col", GeneralizationHierarchy.Load(folder.File("h.csv")));
            Assert.Equal(3, levels.Height);
            Assert.Equal([3, 2, 1], levels.GroupCount);
            return;
        }
        var e = Assert.Throws<ConnectorException>(() => GeneralizationHierarchy.Load(folder.File("h.csv")));
        Assert.Equal(code, e.Code);
        Assert.StartsWith("h.csv", e.Message, StringComparison.Ordinal);
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
