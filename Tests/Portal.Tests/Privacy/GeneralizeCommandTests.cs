using System.Text.Json;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Anonymization.Generalization;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Privacy;

/// <summary>
/// `Portal generalize`, run as an owner would, on UCI Adult with ARX's hierarchies (a profile of 8 quasi-identifiers):
/// the levels it prints are the exhaustive search's optimum, computed here in-process from the same files.
/// </summary>
public sealed class GeneralizeCommandTests : IDisposable
{
    private static readonly string[] QuasiIdentifiers =
        ["sex", "age", "race", "marital-status", "education", "native-country", "workclass", "salary-class"];

    private readonly string _dir = Directory.CreateTempSubdirectory("generalize-").FullName;

    public GeneralizeCommandTests()
    {
        var adult = Path.Combine(RepoPaths.Data, "adult");
        foreach (var file in Directory.GetFiles(adult, "*.csv"))
        {
            File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)));
        }
        var columns = QuasiIdentifiers.Select(c =>
            $$"""{ "name": "{{c}}", "class": "quasiIdentifier", "transform": { "type": "hierarchy", "file": "adult_hierarchy_{{c}}.csv", "level": 0 } }""");
        File.WriteAllText(ProfilePath, $$"""
            { "formatVersion": 1, "name": "adult", "version": 1, "k": 5,
              "columns": [ {{string.Join(",\n", columns)}}, { "name": "occupation", "class": "sensitive" } ] }
            """);
    }

    private string ProfilePath => Path.Combine(_dir, "adult-profile.json");

    private string Input => Path.Combine(_dir, "adult.csv");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("5", "0", "entropy", null)]
    [InlineData("10", "4", "loss", null)]
    [InlineData("5", "4", "entropy", "2")]
    public async Task Prints_the_exhaustive_optimum(string k, string suppression, string metric, string? l)
    {
        string[] args = ["--profile", ProfilePath, "--input", Input, "--k", k, "--suppression", suppression, "--metric", metric];
        if (l is not null)
        {
            args = [.. args, "--l", l, "--sensitive", "occupation"];
        }

        var run = await PortalExecutable.RunAsync(new Dictionary<string, string?>(), ["generalize", .. args]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var printed = json.RootElement;
        var settings = new GeneralizationSettings
        {
            K = int.Parse(k, System.Globalization.CultureInfo.InvariantCulture),
            SuppressionLimit = int.Parse(suppression, System.Globalization.CultureInfo.InvariantCulture) / 100.0,
            Metric = metric == "loss" ? UtilityMetricKind.Loss : UtilityMetricKind.NonUniformEntropy,
            DistinctL = l is null ? null : int.Parse(l, System.Globalization.CultureInfo.InvariantCulture),
        };
        var profile = await AnonymizationProfile.LoadAsync(ProfilePath);
        var input = await OfflineGeneralizer.ReadAsync(profile, Input, l is null ? null : "occupation", CancellationToken.None);
        var expected = ExhaustiveSearch.Run(input, settings);

        Assert.Equal(
            expected.Levels.Select(p => $"{p.Key}={p.Value}"),
            printed.GetProperty("levels").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetInt32()}"));
        Assert.Equal(expected.RowsSuppressed, printed.GetProperty("rowsSuppressed").GetInt64());
        Assert.Equal(metric, printed.GetProperty("metric").GetString());
        Assert.Equal(expected.Value, printed.GetProperty("value").GetDouble());
        Assert.Equal(30_162 - expected.RowsSuppressed, printed.GetProperty("rowsKept").GetInt64());
        Assert.Equal(expected.Classes, printed.GetProperty("classes").GetInt32());
        Assert.True(printed.GetProperty("risk").GetProperty("highestProsecutorRisk").GetDouble() <= 1.0 / settings.K);
    }

    [Theory]
    [InlineData("--k", "0")]
    [InlineData("--metric", "beauty")]
    [InlineData("--suppression", "120")]
    [InlineData("--l", "2")]
    [InlineData("--colour", "blue")]
    public async Task Bad_options_are_refused_with_usage(string option, string value)
    {
        string[] args = option == "--k"
            ? ["generalize", "--profile", ProfilePath, "--input", Input, option, value]
            : ["generalize", "--profile", ProfilePath, "--input", Input, "--k", "5", option, value];
        var run = await PortalExecutable.RunAsync(new Dictionary<string, string?>(), args);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("portal: ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("usage: Portal generalize", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quasi_identifier_without_hierarchy_is_named_in_one_line()
    {
        await File.WriteAllTextAsync(ProfilePath, """
            { "formatVersion": 1, "name": "adult", "version": 1,
              "columns": [ { "name": "age", "class": "quasiIdentifier", "transform": { "type": "ageBand", "width": 10 } } ] }
            """);
        var run = await PortalExecutable.RunAsync(new Dictionary<string, string?>(), "generalize", "--profile", ProfilePath, "--input", Input, "--k", "5");
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("portal: column age: a quasi-identifier needs a hierarchy transform for the search to choose its level", line);
    }
}
