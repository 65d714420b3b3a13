using Portal.Connectors.Anonymization;
using Portal.Connectors.Anonymization.Generalization;
using Portal.Connectors.Tests.Support;

namespace Portal.Connectors.Tests.Generalization;

/// <summary>
/// UCI Adult with ARX's hierarchies as the issue sets it: 8 quasi-identifiers (a lattice of 4,320 nodes) and
/// occupation sensitive. Read once per test run; the raw records and hierarchy lines stay available so tests can
/// compute expectations independently with LINQ.
/// </summary>
internal static class AdultLattice
{
    public static readonly string[] QuasiIdentifiers =
        ["sex", "age", "race", "marital-status", "education", "native-country", "workclass", "salary-class"];

    public const string Sensitive = "occupation";

    private static readonly Lazy<(GeneralizationInput Input, List<Dictionary<string, string>> Records, Dictionary<string, string[][]> Lines)> Loaded = new(Load);

    public static GeneralizationInput Input => Loaded.Value.Input;

    /// <summary>Every record as column → value, straight from the file.</summary>
    public static List<Dictionary<string, string>> Records => Loaded.Value.Records;

    /// <summary>[column] → the hierarchy file's lines split at ';'.</summary>
    public static Dictionary<string, string[][]> HierarchyLines => Loaded.Value.Lines;

    /// <summary>The value of <paramref name="column"/> generalized to <paramref name="level"/>, looked up in the file's lines.</summary>
    public static string Generalize(string column, string value, int level) => LineOf.Value[column][value][level];

    private static readonly Lazy<Dictionary<string, Dictionary<string, string[]>>> LineOf =
        new(() => HierarchyLines.ToDictionary(h => h.Key, h => h.Value.ToDictionary(line => line[0])));

    private static (GeneralizationInput, List<Dictionary<string, string>>, Dictionary<string, string[][]>) Load()
    {
        var folder = RepoPaths.Adult;
        var lines = QuasiIdentifiers.ToDictionary(
            c => c,
            c => File.ReadLines(Path.Combine(folder, $"adult_hierarchy_{c}.csv")).Where(l => l.Length > 0).Select(l => l.Split(';')).ToArray());
        var hierarchies = QuasiIdentifiers
            .Select(c => HierarchyLevels.Build(c, GeneralizationHierarchy.Load(Path.Combine(folder, $"adult_hierarchy_{c}.csv"))))
            .ToList();
        var file = File.ReadLines(Path.Combine(folder, "adult.csv")).ToList();
        var header = file[0].Split(';');
        var records = file.Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(';'))
            .Select(f => header.Select((h, i) => (h, f[i])).ToDictionary(p => p.h, p => p.Item2))
            .ToList();
        var builder = new GeneralizationInputBuilder(hierarchies, Sensitive);
        foreach (var record in records)
        {
            builder.Add([.. QuasiIdentifiers.Select(c => record[c])], record[Sensitive]);
        }
        return (builder.Build(), records, lines);
    }
}
