using System.Globalization;
using System.Text.Json;

namespace Portal.Benchmarks.Generalization;

/// <summary>
/// `generalize-report &lt;bdn-json&gt; &lt;check.txt&gt;`: the benchmark's last line from BenchmarkDotNet's JSON report (mean times
/// of the Flash and the exhaustive search, same run) and the check's verdict on the optimum.
/// </summary>
internal static class GeneralizationReport
{
    public static int Run(string reportPath, string checkPath)
    {
        using var report = JsonDocument.Parse(File.ReadAllText(reportPath));
        var means = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var benchmark in report.RootElement.GetProperty("Benchmarks").EnumerateArray())
        {
            means[benchmark.GetProperty("Method").GetString() ?? ""] = benchmark.GetProperty("Statistics");
        }
        var flash = means["Flash"];
        var exhaustive = means["Exhaustive"];
        var flashMs = flash.GetProperty("Mean").GetDouble() / 1e6;
        var exhaustiveMs = exhaustive.GetProperty("Mean").GetDouble() / 1e6;
        var same = File.ReadLines(checkPath).Contains("same=yes") ? "yes" : "no";
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c,
            $"== BDN means: Flash {flashMs:F2} ms (median {flash.GetProperty("Median").GetDouble() / 1e6:F2}, min {flash.GetProperty("Min").GetDouble() / 1e6:F2}), " +
            $"exhaustive {exhaustiveMs:F1} ms (median {exhaustive.GetProperty("Median").GetDouble() / 1e6:F1}, min {exhaustive.GetProperty("Min").GetDouble() / 1e6:F1})"));
        Console.WriteLine(string.Create(c,
            $"generalize: {flashMs:F1} ms to the optimum, {exhaustiveMs / flashMs:F0}x faster than exhaustive, same optimum: {same}"));
        return same == "yes" ? 0 : 1;
    }
}
