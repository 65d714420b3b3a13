using System.Text.RegularExpressions;

namespace Portal.Tests.Architecture;

/// <summary>
/// Pages and endpoint mappings never open the database themselves: the use case behind them does, so what a page
/// shows and what the API answers come from the same checked code.
/// </summary>
public sealed partial class DatabaseAccessTests
{
    [Fact]
    public void No_page_or_component_opens_a_database_context()
    {
        var offenders = SourceTree.Files("Portal")
            .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || SourceTree.Relative(f).StartsWith("Portal/Components/", StringComparison.Ordinal))
            .Where(f => OpensDatabase().IsMatch(File.ReadAllText(f)))
            .Select(SourceTree.Relative)
            .ToList();
        Assert.True(offenders.Count == 0, "pages that open a DbContext (call the use case's HandleAsync instead): " + string.Join(", ", offenders));
    }

    [Fact]
    public void An_endpoint_that_reads_the_database_is_mapped_in_its_own_use_case_file()
    {
        // A file that maps endpoints and opens a context must be the use case itself (it has the handler),
        // not a catalogue of lambdas reaching into the database.
        var offenders = SourceTree.Files("Portal")
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal))
            .Select(f => (File: f, Text: File.ReadAllText(f)))
            .Where(f => MapsEndpoints().IsMatch(f.Text) && OpensDatabase().IsMatch(f.Text) && !f.Text.Contains("HandleAsync(", StringComparison.Ordinal))
            .Select(f => SourceTree.Relative(f.File))
            .ToList();
        Assert.True(offenders.Count == 0, "endpoint files that open a DbContext outside a use case: " + string.Join(", ", offenders));
    }

    [Fact]
    public void The_patterns_recognise_what_they_look_for()
    {
        Assert.Matches(OpensDatabase(), "@inject IDbContextFactory<PortalDb> Dbs");
        Assert.Matches(OpensDatabase(), "await using var db = await dbs.CreateDbContextAsync(ct);");
        Assert.Matches(OpensDatabase(), "@inject PortalDb Db");
        Assert.DoesNotMatch(OpensDatabase(), "@inject AccessServices Services");
        Assert.Matches(MapsEndpoints(), "group.MapPost(\"/\", Endpoint)");
    }

    [GeneratedRegex(@"IDbContextFactory<|CreateDbContext(Async)?\(|@inject\s+PortalDb\b|\bPortalDb\s+\w+\s*[,)]")]
    private static partial Regex OpensDatabase();

    [GeneratedRegex(@"\.Map(Get|Post|Put|Patch|Delete|Methods)\(")]
    private static partial Regex MapsEndpoints();
}
