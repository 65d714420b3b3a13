using System.Diagnostics;
using System.Globalization;
using System.Text;
using Portal.Connectors;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Sources.Postgres;

namespace Portal.Benchmarks.Export;

/// <summary>
/// `Benchmarks export-run &lt;connection string&gt; &lt;relation&gt; &lt;profile.json&gt; &lt;k&gt; [warm-up exports] [timed exports]`:
/// anonymized CSV exports to /dev/null, each timed from the first query to the last byte. Prints one line: the manifest
/// numbers, the median seconds (and client CPU seconds) of the timed exports, rows/s.
/// deploy/bench/export.sh runs it under /usr/bin/time for the peak RSS without warm-up (a cold process, JIT included),
/// and with warm-ups and several timed exports in one process for what a long-running portal gets.
/// EXPORT_CLASS_COUNT=GroupBy counts the classes in the database instead of the default first pass (to compare both).
/// </summary>
public static class ExportRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length is < 4 or > 6)
        {
            await Console.Error.WriteLineAsync("usage: export-run <connection string> <relation> <profile.json> <k> [warm-up exports] [timed exports]");
            return 2;
        }
        var warmUps = args.Length >= 5 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 0;
        var timed = args.Length == 6 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 1;
        var profile = await AnonymizationProfile.LoadAsync(args[2]);
        var source = new PostgresSource(new PostgresSourceOptions { ConnectionString = args[0], Relation = args[1], ClassCount = ClassCount() });
        var request = new ExportRequest
        {
            Profile = profile,
            Purpose = "HMB",
            GrantKey = KeyDerivation.ForGrant(Encoding.ASCII.GetBytes("benchmark master secret, not a real one"), "bench-grant"),
            GrantId = "bench-grant",
            K = int.Parse(args[3], CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < warmUps; i++)
        {
            await using var sink = new FileStream("/dev/null", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.Asynchronous);
            await ExportPipeline.RunAsync(source, request, sink);
        }
        var seconds = new List<double>();
        var cpu = new List<double>();
        ExportManifest? manifest = null;
        for (var i = 0; i < Math.Max(1, timed); i++)
        {
            await using var output = new FileStream("/dev/null", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.Asynchronous);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            manifest = await ExportPipeline.RunAsync(source, request, output);
            seconds.Add(clock.Elapsed.TotalSeconds);
            cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds);
        }
        var median = Median(seconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rows={manifest!.RowsRead} consent_filtered={manifest.RowsFilteredByConsent} suppressed={manifest.RowsSuppressed} written={manifest.RowsWritten} k_achieved={manifest.KAchieved} classes={manifest.EquivalenceClasses} bytes={manifest.BytesWritten} sha256={manifest.Sha256?[..16]} runs={seconds.Count} seconds={median:F3} client_cpu_s={Median(cpu):F3} rows_per_s={manifest.RowsRead / median:F0} all_s={string.Join('/', seconds.Select(s => s.ToString("F3", CultureInfo.InvariantCulture)))}"));
        return 0;
    }

    private static PostgresClassCount ClassCount() =>
        Environment.GetEnvironmentVariable("EXPORT_CLASS_COUNT") is { Length: > 0 } count ? Enum.Parse<PostgresClassCount>(count) : PostgresClassCount.FirstPass;

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
