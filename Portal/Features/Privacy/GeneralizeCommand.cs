using System.Globalization;
using System.Text.Json;
using Portal.Connectors;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Anonymization.Generalization;

namespace Portal.Features.Privacy;

/// <summary>
/// `Portal generalize --profile p.json --input f.csv --k 5 [--suppression 4] [--metric loss|entropy] [--l 2 --sensitive col]`:
/// the lattice search offline. The profile's quasi-identifiers with hierarchy transforms span the lattice; the command
/// prints the optimal levels (column → level), what they suppress and the metric's value as JSON, and changes nothing.
/// </summary>
public static class GeneralizeCommand
{
    public const string Usage =
        "usage: Portal generalize --profile <profile.json> --input <file.csv> --k <n> [--suppression <percent>] " +
        "[--metric loss|entropy] [--l <n> --sensitive <column>]";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = ParseOptions(args);
        var error = options is null ? "unexpected arguments." : Check(options);
        if (options is null || error is not null)
        {
            await Console.Error.WriteLineAsync($"portal: {error} {Usage}");
            return 2;
        }
        try
        {
            var result = await OfflineGeneralizer.RunAsync(options["profile"], options["input"], Settings(options), options.GetValueOrDefault("sensitive"), ct);
            Console.WriteLine(JsonSerializer.Serialize(Report(result), Json));
            return result.Found ? 0 : 1;
        }
        catch (Exception e) when (e is ProfileValidationException or ConnectorException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"portal: {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    private static Dictionary<string, string>? ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length || !options.TryAdd(args[i][2..], args[i + 1]))
            {
                return null;
            }
        }
        return options;
    }

    /// <summary>The first thing wrong with the options, or null.</summary>
    private static string? Check(Dictionary<string, string> options)
    {
        if (options.Keys.Except(["profile", "input", "k", "suppression", "metric", "l", "sensitive"]).FirstOrDefault() is { } unknown)
        {
            return $"unknown option --{unknown}.";
        }
        if (!options.ContainsKey("profile") || !options.ContainsKey("input") || !options.TryGetValue("k", out var k))
        {
            return "--profile, --input and --k are required.";
        }
        if (!int.TryParse(k, CultureInfo.InvariantCulture, out var kValue) || kValue < 1)
        {
            return "--k must be a whole number of at least 1.";
        }
        if (options.TryGetValue("suppression", out var s) && (!double.TryParse(s, CultureInfo.InvariantCulture, out var percent) || percent is < 0 or > 100))
        {
            return "--suppression is a percentage between 0 and 100.";
        }
        if (options.GetValueOrDefault("metric", "entropy") is not ("loss" or "entropy"))
        {
            return "--metric is loss or entropy.";
        }
        if (options.TryGetValue("l", out var l) && (!int.TryParse(l, CultureInfo.InvariantCulture, out var lValue) || lValue < 1))
        {
            return "--l must be a whole number of at least 1.";
        }
        return options.ContainsKey("l") != options.ContainsKey("sensitive") ? "--l and --sensitive go together." : null;
    }

    private static GeneralizationSettings Settings(Dictionary<string, string> options) => new()
    {
        K = int.Parse(options["k"], CultureInfo.InvariantCulture),
        SuppressionLimit = options.TryGetValue("suppression", out var share) ? double.Parse(share, CultureInfo.InvariantCulture) / 100 : 0,
        Metric = options.GetValueOrDefault("metric") == "loss" ? UtilityMetricKind.Loss : UtilityMetricKind.NonUniformEntropy,
        DistinctL = options.TryGetValue("l", out var distinct) ? int.Parse(distinct, CultureInfo.InvariantCulture) : null,
    };

    private static object Report(GeneralizationResult r) => new
    {
        found = r.Found,
        levels = r.Levels.ToDictionary(l => l.Key, l => l.Value),
        rowsSuppressed = r.RowsSuppressed,
        metric = r.Metric == UtilityMetricKind.Loss ? "loss" : "entropy",
        value = r.Value,
        rows = r.Rows,
        rowsKept = r.RowsKept,
        classes = r.Classes,
        classesSuppressed = r.ClassesSuppressed,
        nodesChecked = r.NodesChecked,
        latticeSize = r.LatticeSize,
        risk = r.Risk,
    };
}
