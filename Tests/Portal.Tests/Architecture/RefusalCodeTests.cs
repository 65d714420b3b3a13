using System.Reflection;
using System.Text.RegularExpressions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Architecture;

/// <summary>
/// Every refusal carries a stable code listed in docs/errors.md: clients and tests branch on it, operators look it up.
/// </summary>
public sealed partial class RefusalCodeTests
{
    public static IReadOnlyDictionary<string, string> Documented { get; } = ReadDocumented();

    [Fact]
    public void Every_documented_code_is_well_formed_and_listed_once()
    {
        var rows = DocumentedRows().ToList();
        Assert.True(rows.Count >= 20, $"docs/errors.md lists only {rows.Count} codes");
        var duplicates = rows.GroupBy(r => r.Code).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "listed twice in docs/errors.md: " + string.Join(", ", duplicates));
        var malformed = rows.Where(r => !WellFormed().IsMatch(r.Code)).Select(r => r.Code).ToList();
        Assert.True(malformed.Count == 0, "malformed codes in docs/errors.md: " + string.Join(", ", malformed));
    }

    [Fact]
    public void Every_code_the_sources_refuse_with_is_listed_in_docs_errors()
    {
        var missing = new List<string>();
        foreach (var file in SourceTree.Files("Portal").Concat(SourceTree.Files("Connectors")))
        {
            foreach (Match m in RefusalCode().Matches(File.ReadAllText(file)))
            {
                var code = m.Groups["code"].Value;
                if (!Documented.ContainsKey(code))
                {
                    missing.Add($"{SourceTree.Relative(file)}: \"{code}\"");
                }
            }
        }
        Assert.True(missing.Count == 0, "refusal codes not in docs/errors.md (or a refusal without a code): " + string.Join("; ", missing.Distinct()));
    }

    [Fact]
    public void A_refusal_cannot_be_made_without_a_code()
    {
        // Every factory of Failure takes the code first, next to the sentence: none builds a refusal without one.
        var factories = typeof(Failure).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.ReturnType == typeof(Failure)).ToList();
        Assert.NotEmpty(factories);
        Assert.All(factories, m => Assert.Equal("code", m.GetParameters().FirstOrDefault()?.Name));
        Assert.Equal("Code", typeof(Failure).GetConstructors().Single().GetParameters()[1].Name);
    }

    [Fact]
    public void The_source_pattern_finds_codes_in_every_kind_of_refusal()
    {
        Assert.Equal("access.request.duplicate_pending", RefusalCode().Match("Failure.Conflict(\"access.request.duplicate_pending\", \"datasetId\", $\"…\")").Groups["code"].Value);
        Assert.Equal("dataset.upload.disabled", RefusalCode().Match("new Failure(FailureKind.Conflict, \"dataset.upload.disabled\", \"…\")").Groups["code"].Value);
        Assert.Equal("source.file.outside_root", RefusalCode().Match("throw new ConnectorException(\"source.file.outside_root\", $\"…\")").Groups["code"].Value);
        Assert.Equal("datasetId", RefusalCode().Match("Failure.Invalid(\"datasetId\", \"datasetId is required.\")").Groups["code"].Value);
    }

    private static IEnumerable<(string Code, string Status)> DocumentedRows() =>
        File.ReadLines(Path.Combine(RepoPaths.Root, "docs", "errors.md"))
            .Select(line => DocumentedRow().Match(line))
            .Where(m => m.Success)
            .Select(m => (m.Groups["code"].Value, m.Groups["status"].Value.Trim()));

    private static Dictionary<string, string> ReadDocumented()
    {
        var codes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (code, status) in DocumentedRows())
        {
            codes.TryAdd(code, status);
        }
        return codes;
    }

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")]
    private static partial Regex WellFormed();

    [GeneratedRegex(@"^\|\s*`(?<code>[^`]+)`\s*\|(?<status>[^|]*)\|")]
    private static partial Regex DocumentedRow();

    // The first string argument of a refusal: Failure's factories, `new Failure(kind, code, …)`, connector errors.
    [GeneratedRegex(@"(?:Failure\.(?:Invalid|Conflict|Gone|Forbidden|NotFound)\(\s*|new Failure\(\s*FailureKind\.\w+,\s*|ConnectorException\(\s*|ExportException\(\s*)""(?<code>[^""]+)""")]
    private static partial Regex RefusalCode();
}
