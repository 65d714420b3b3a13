using Portal.Connectors.Anonymization;
using Portal.Connectors.Anonymization.Generalization;

namespace Portal.Benchmarks.Generalization;

/// <summary>UCI Adult (Tests/data/adult) with ARX's hierarchies: 8 quasi-identifiers, the lattice of 4,320 nodes.</summary>
internal static class AdultInput
{
    public static readonly string[] QuasiIdentifiers =
        ["sex", "age", "race", "marital-status", "education", "native-country", "workclass", "salary-class"];

    /// <summary>The measured case: k = 5, no suppression, non-uniform entropy.</summary>
    public static readonly GeneralizationSettings Settings = new() { K = 5, SuppressionLimit = 0, Metric = UtilityMetricKind.NonUniformEntropy };

    public static GeneralizationInput Load()
    {
        var folder = Folder();
        var hierarchies = QuasiIdentifiers
            .Select(c => HierarchyLevels.Build(c, GeneralizationHierarchy.Load(Path.Combine(folder, $"adult_hierarchy_{c}.csv"))))
            .ToList();
        var builder = new GeneralizationInputBuilder(hierarchies, sensitiveColumn: null);
        using var reader = new StreamReader(Path.Combine(folder, "adult.csv"));
        var header = (reader.ReadLine() ?? "").Split(';');
        var positions = QuasiIdentifiers.Select(c => Array.IndexOf(header, c)).ToArray();
        var values = new string[positions.Length];
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            var fields = line.Split(';');
            for (var q = 0; q < positions.Length; q++)
            {
                values[q] = fields[positions[q]];
            }
            builder.Add(values, null);
        }
        return builder.Build();
    }

    private static string Folder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "Tests", "data", "adult");
            if (File.Exists(Path.Combine(candidate, "adult.csv")))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("Tests/data/adult/adult.csv not found above " + AppContext.BaseDirectory);
    }
}
