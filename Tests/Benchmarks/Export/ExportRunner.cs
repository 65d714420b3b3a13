using System.Diagnostics;
using System.Globalization;
using System.Text;
using Portal.Connectors;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Sources.Postgres;

namespace Portal.Benchmarks.Export;

/// <summary>
/// `Benchmarks export-run &lt;connection string&gt; &lt;relation&gt; &lt;profile.json&gt; &lt;k&gt; [warm-up exports]`: one anonymized CSV
/// export to /dev/null, timed from the first query to the last byte. Prints one line: rows, suppressed, seconds, rows/s.
/// deploy/bench/export.sh runs it under /usr/bin/time for the peak RSS, without warm-up (a cold process, JIT included).
/// With warm-up exports first (untimed, same process) the line shows what a long-running portal gets.
/// </summary>
public static class ExportRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length is not (4 or 5))
        {
            await Console.Error.WriteLineAsync("usage: export-run <connection string> <relation> <profile.json> <k> [warm-up exports]");
            return 2;
        }
        var warmUps = args.Length == 5 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 0;
        var profile = await AnonymizationProfile.LoadAsync(args[2]);
        var source = new PostgresSource(new PostgresSourceOptions { ConnectionString = args[0], Relation = args[1] });
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
        await using var output = new FileStream("/dev/null", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.Asynchronous);
        var clock = Stopwatch.StartNew();
        var manifest = await ExportPipeline.RunAsync(source, request, output);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rows={manifest.RowsRead} consent_filtered={manifest.RowsFilteredByConsent} suppressed={manifest.RowsSuppressed} written={manifest.RowsWritten} k_achieved={manifest.KAchieved} bytes={manifest.BytesWritten} sha256={manifest.Sha256?[..16]} seconds={seconds:F3} rows_per_s={manifest.RowsRead / seconds:F0}"));
        return 0;
    }
}
