namespace Portal.Drills;

/// <summary>
/// Drill C: closed-loop load through nginx on an authenticated cheap endpoint; instance A is killed with SIGKILL in the
/// middle. Every failed request must have been in flight at the moment of the kill; everything after it is served by B.
/// </summary>
internal static class InstanceKillDrill
{
    public static async Task<int> RunAsync(Options o)
    {
        var kill = DrillEvent.Parse(o.Required("kill"));
        var seconds = o.Number("seconds", 12);
        var samples = await LoadRun.RunAsync(o.Url("front"), o.Required("token"), [o.Required("path")], (int)o.Number("workers", 8),
            TimeSpan.FromSeconds(seconds), [kill]);
        var at = kill.Began;
        var failed = samples.Where(s => !s.Ok).ToList();
        var inFlight = samples.Count(s => s.Overlaps(at));
        var failedNotInFlight = failed.Where(s => !s.Overlaps(at) && !s.Overlaps(kill.Ended)).ToList();
        var after = samples.Where(s => s.Start > kill.Ended).ToList();
        var afterOnOthers = after.Count(s => s.Ok);
        var rate = samples.Count / seconds;
        Console.WriteLine($"{samples.Count} requests in {seconds:F0} s ({rate:F0}/s); SIGKILL at t={at.TotalSeconds:F2}s with {inFlight} in flight (on both instances)");
        Console.WriteLine($"failed: {failed.Count} ({failedNotInFlight.Count} not in flight at the kill); after the kill {afterOnOthers}/{after.Count} OK, served by {string.Join(", ", after.Select(s => s.Upstream).Distinct())}");
        LoadRun.PrintErrors(failed);

        var pass = kill.ExitCode == 0 && failedNotInFlight.Count == 0 && after.Count > 0 && afterOnOthers == after.Count;
        Row.Print("C", pass, $"{failed.Count} failed of {samples.Count}",
            $"SIGKILL of A under load ({rate:F0} req/s, {inFlight} in flight): {failedNotInFlight.Count} failures outside the in-flight ones; {afterOnOthers}/{after.Count} OK afterwards on B");
        return pass ? 0 : 1;
    }
}
