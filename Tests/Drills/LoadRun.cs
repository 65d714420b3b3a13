using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace Portal.Drills;

/// <summary>One request of a load run; Status 0 is a transport error (no HTTP answer), Complete a body read to its end.</summary>
internal sealed record Sample(string Target, TimeSpan Start, TimeSpan End, int Status, string? ContentType, bool Complete, long? ExportId, string? Upstream, string? Error)
{
    public bool Ok => Status == 200 && Complete;

    public bool Overlaps(TimeSpan t) => Start <= t && t < End;
}

/// <summary>A shell command run at a moment of the load run (kill an instance, stop PostgreSQL); when it began and ended.</summary>
internal sealed record DrillEvent(TimeSpan At, string Command)
{
    public TimeSpan Began { get; set; }
    public TimeSpan Ended { get; set; }
    public int ExitCode { get; set; }

    public static DrillEvent Parse(string spec)
    {
        var eq = spec.IndexOf('=', StringComparison.Ordinal);
        if (eq < 1)
        {
            throw new DrillException($"--event wants SECONDS=COMMAND, got '{spec}'");
        }
        return new DrillEvent(TimeSpan.FromSeconds(double.Parse(spec[..eq], CultureInfo.InvariantCulture)), spec[(eq + 1)..]);
    }
}

/// <summary>Closed-loop load: each worker sends its next request as soon as the last one ended, for a fixed time.</summary>
internal static class LoadRun
{
    public static async Task<List<Sample>> RunAsync(Uri front, string token, IReadOnlyList<string> targets, int workers, TimeSpan duration, IReadOnlyList<DrillEvent> events)
    {
        using var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), UseCookies = false };
        using var client = new HttpClient(handler) { BaseAddress = front, Timeout = TimeSpan.FromSeconds(15) };
        // Only the API gets the token: a load balancer's readiness probe carries no credentials either.
        var bearer = new AuthenticationHeaderValue("Bearer", token.Trim());
        var clock = Stopwatch.StartNew();
        var samples = new List<Sample>();
        var running = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var i = w; clock.Elapsed < duration; i++)
            {
                var sample = await SendAsync(client, bearer, targets[i % targets.Count], clock);
                lock (samples)
                {
                    samples.Add(sample);
                }
            }
        })).ToList();
        running.AddRange(events.Select(e => RunEventAsync(e, clock)));
        await Task.WhenAll(running);
        return [.. samples.OrderBy(s => s.Start)];
    }

    private static async Task<Sample> SendAsync(HttpClient client, AuthenticationHeaderValue bearer, string target, Stopwatch clock)
    {
        var start = clock.Elapsed;
        HttpResponseMessage? response = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(target, UriKind.Relative));
            if (target.StartsWith("api/", StringComparison.Ordinal))
            {
                request.Headers.Authorization = bearer;
            }
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var exportId = response.Headers.TryGetValues("X-Export-Id", out var ids) ? long.Parse(ids.First(), CultureInfo.InvariantCulture) : (long?)null;
            var complete = true;
            string? error = null;
            try
            {
                await (await response.Content.ReadAsStreamAsync()).CopyToAsync(Stream.Null);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                complete = false;
                error = $"body cut off: {e.GetBaseException().Message}";
            }
            return new Sample(target, start, clock.Elapsed, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType,
                complete, exportId, Web.Upstream(response), error);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return new Sample(target, start, clock.Elapsed, 0, null, false, null, null, e.GetBaseException().Message);
        }
        finally
        {
            response?.Dispose();
        }
    }

    private static async Task RunEventAsync(DrillEvent e, Stopwatch clock)
    {
        var wait = e.At - clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
        e.Began = clock.Elapsed;
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", e.Command]) { UseShellExecute = false })
            ?? throw new DrillException($"could not run {e.Command}");
        await process.WaitForExitAsync();
        e.Ended = clock.Elapsed;
        e.ExitCode = process.ExitCode;
        Console.WriteLine($"  t={e.Began.TotalSeconds:F2}s–{e.Ended.TotalSeconds:F2}s  {e.Command}  (exit {e.ExitCode})");
    }

    public static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:F0} ms";

    public static void PrintErrors(IEnumerable<Sample> samples, int max = 12)
    {
        foreach (var s in samples.Take(max))
        {
            Console.WriteLine($"    t={s.Start.TotalSeconds:F2}s–{s.End.TotalSeconds:F2}s {s.Target} → {s.Status} {s.ContentType} {s.Error}");
        }
    }
}
