using Npgsql;

namespace Portal.Drills;

/// <summary>
/// Drill D: load through nginx (readiness, /api/me and exports with a token) while PostgreSQL is stopped and started
/// again. While it is down the portal must answer 503 with a JSON problem (never a 500, never nginx's own 502/504),
/// afterwards recover by itself; and every export that sent data must have its "export.started" audit event (by the
/// X-Export-Id it returned), every export that completed its "export.completed".
/// </summary>
internal static class DatabaseRestartDrill
{
    public static async Task<int> RunAsync(Options o)
    {
        var events = o.All("event").Select(DrillEvent.Parse).OrderBy(e => e.At).ToList();
        if (events.Count != 2)
        {
            throw new DrillException("--event twice: SECONDS=stop command, SECONDS=start command");
        }
        var (stop, start) = (events[0], events[1]);
        var seconds = o.Number("seconds", 20);
        var export = $"api/datasets/{o.Required("dataset")}/export?purpose=DS:HIV&ethics=IRB-1";
        var samples = await LoadRun.RunAsync(o.Url("front"), o.Required("token"), ["health/ready", "api/me", export],
            (int)o.Number("workers", 6), TimeSpan.FromSeconds(seconds), events);

        var byStatus = samples.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "no answer" : g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))}: {g.Count()}");
        Console.WriteLine($"{samples.Count} requests in {seconds:F0} s; {string.Join(", ", byStatus)}");
        var down = samples.Where(s => s.Start >= stop.Ended && s.End <= start.Began).ToList();
        var downNot503 = down.Where(s => s.Status != 503).ToList();
        var bad = samples.Where(s => s.Status is 0 or (>= 500 and not 503) || (s.Status == 503 && s.ContentType is not ("application/problem+json" or "application/json"))).ToList();
        Console.WriteLine($"while PostgreSQL was down ({LoadRun.Ms(start.Began - stop.Ended)}): {down.Count} requests, {down.Count - downNot503.Count} answered 503 with JSON");
        LoadRun.PrintErrors(downNot503);
        Console.WriteLine($"answers that are neither 200/4xx nor a JSON 503: {bad.Count}");
        LoadRun.PrintErrors(bad);

        // Recovered: every request sent from this moment on succeeded.
        var lastFailedStart = samples.Where(s => !s.Ok).Select(s => s.Start).DefaultIfEmpty(TimeSpan.Zero).Max();
        var afterStart = samples.Where(s => s.Start > start.Ended).ToList();
        var recovered = afterStart.Count > 0 && lastFailedStart < TimeSpan.FromSeconds(seconds - 2);
        var recovery = lastFailedStart > start.Ended ? lastFailedStart - start.Ended : TimeSpan.Zero;
        Console.WriteLine(recovered
            ? $"recovered {LoadRun.Ms(recovery)} after PostgreSQL was back; {afterStart.Count(s => s.Ok)}/{afterStart.Count} OK after it"
            : "NOT recovered by the end of the run");
        var lingering = samples.Where(s => !s.Ok && s.End > start.Ended).ToList();
        Console.WriteLine($"failed requests sent while it was down that ended after it was back: {lingering.Count}");
        LoadRun.PrintErrors(lingering);

        var audit = await CheckAuditAsync(o.Required("db"), samples);
        var pass = stop.ExitCode == 0 && start.ExitCode == 0 && down.Count > 0 && downNot503.Count == 0 && bad.Count == 0 && recovered && audit.Pass;
        Row.Print("D", pass, $"{down.Count - downNot503.Count}/{down.Count} 503 while down; recovered in {LoadRun.Ms(recovery)}",
            $"PostgreSQL stopped {LoadRun.Ms(start.Began - stop.Ended)} under load: {bad.Count} 500/502/no-answer; {audit.Summary}");
        return pass ? 0 : 1;
    }

    private sealed record AuditCheck(bool Pass, string Summary);

    private static async Task<AuditCheck> CheckAuditAsync(string connectionString, List<Sample> samples)
    {
        var exports = samples.Where(s => s.Status == 200 && s.ExportId is not null).ToList();
        if (exports.Count == 0)
        {
            return new AuditCheck(false, "no export returned data");
        }
        var ids = exports.Select(s => s.ExportId!.Value).ToArray();
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using var started = new NpgsqlCommand("SELECT count(*) FROM audit_events WHERE type = 'export.started' AND id = ANY(@ids)", db);
        started.Parameters.AddWithValue("ids", ids);
        var startedFound = (long)(await started.ExecuteScalarAsync())!;
        // A completed event names no started event; with one script exporting, counting after the run's first export is exact enough.
        await using var ends = new NpgsqlCommand(
            "SELECT type, count(*) FROM audit_events WHERE type IN ('export.completed', 'export.aborted') AND id > @first GROUP BY type", db);
        ends.Parameters.AddWithValue("first", ids.Min());
        var counts = new Dictionary<string, long>();
        await using (var reader = await ends.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                counts[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        var complete = exports.Count(s => s.Complete);
        var cut = exports.Count - complete;
        var completed = counts.GetValueOrDefault("export.completed");
        var aborted = counts.GetValueOrDefault("export.aborted");
        Console.WriteLine($"exports that returned data: {exports.Count} ({complete} complete, {cut} cut off); audit: {startedFound}/{ids.Length} export.started by id, " +
            $"{completed} export.completed, {aborted} export.aborted after the first");
        // Every export that sent data has its start by id, and an end: completed for each complete one, completed or aborted for the rest.
        var pass = startedFound == ids.Length && completed >= complete && completed + aborted >= exports.Count;
        return new AuditCheck(pass, $"audit: {startedFound}/{ids.Length} started, {completed} completed for {complete} complete exports, {aborted} aborted for {cut} cut off");
    }
}
