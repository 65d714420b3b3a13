using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Npgsql;

namespace Portal.Drills;

/// <summary>
/// Drill B: a script on instance B polls an export under a grant without pause while the dataset's owner revokes the
/// grant in a session on instance A (POST /api/grants/{id}/revoke). Where that API does not exist yet, the grant is
/// revoked with one SQL UPDATE of grants.revoked_at: the portal's trigger NOTIFYs policy_changes on commit, as for any
/// change made in the portal. Measured: sending the revocation → the end of B's first 403. Runs last: the grant stays revoked.
/// </summary>
internal static class RevocationDrill
{
    public static async Task<int> RunAsync(Options o)
    {
        var front = o.Url("front");
        var a = o.Url("a");
        var b = o.Url("b");
        var grant = Guid.Parse(o.Required("grant"));
        var export = new Uri(b, $"api/datasets/{o.Required("dataset")}/export?purpose=DS:HIV&ethics=IRB-1");
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = cts.Token;
        using var script = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", o.Required("token").Trim());

        using var owner = await DemoSignIn.RunAsync(front, await Web.NodeCookieForAsync(front, a, ct), o.Required("revoke-as"), o.Required("revoke-institution"), ct);
        var before = await StatusAsync(script, export, ct);
        if (before != HttpStatusCode.OK)
        {
            throw new DrillException($"before the revocation the export on B answered {(int)before}, not 200");
        }

        // The API where this build has it (its OpenAPI document says), else the SQL every revocation comes down to;
        // its connection is opened before the clock runs.
        var openApi = await owner.Client.GetStringAsync(new Uri("openapi/v1.json", UriKind.Relative), ct);
        var hasApi = Regex.IsMatch(openApi, "\"/api/grants/\\{[^}]+\\}/revoke\"", RegexOptions.None, TimeSpan.FromSeconds(1));
        await using var db = new NpgsqlConnection(o.Required("db"));
        await db.OpenAsync(ct);

        var clock = Stopwatch.StartNew();
        long sentTicks = long.MaxValue;
        var polls = new List<(TimeSpan Start, TimeSpan End, HttpStatusCode Status)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(TimeSpan.FromSeconds(10));
        var poller = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var start = clock.Elapsed;
                var status = await StatusAsync(script, export, ct);
                lock (polls)
                {
                    polls.Add((start, clock.Elapsed, status));
                }
                if (status == HttpStatusCode.Forbidden && start.Ticks > Interlocked.Read(ref sentTicks))
                {
                    return;
                }
            }
        }, ct);
        await Task.Delay(300, ct);

        Interlocked.Exchange(ref sentTicks, clock.Elapsed.Ticks);
        var sent = TimeSpan.FromTicks(sentTicks);
        string how;
        if (hasApi)
        {
            using var revoke = await owner.Client.PostAsJsonAsync(new Uri($"api/grants/{grant}/revoke", UriKind.Relative), new { reason = "failure drill" }, ct);
            if (!revoke.IsSuccessStatusCode)
            {
                throw new DrillException($"POST /api/grants/{grant}/revoke answered {(int)revoke.StatusCode}: {await revoke.Content.ReadAsStringAsync(ct)}");
            }
            how = $"POST /api/grants/{{id}}/revoke on A ({Web.Upstream(revoke)})";
        }
        else
        {
            await RevokeWithSqlAsync(db, grant, Guid.Parse(o.Required("revoker")), ct);
            how = "SQL UPDATE of grants.revoked_at (no revoke API in this build; the portal's trigger NOTIFYs)";
        }
        var acknowledged = clock.Elapsed;
        await poller;

        var firstDenied = polls.FirstOrDefault(p => p.Status == HttpStatusCode.Forbidden && p.Start > sent);
        // The notification reaches B after the commit, so an export started just after it may still be permitted; not a second later.
        var permittedAfter = polls.Count(p => p.Status == HttpStatusCode.OK && p.Start > acknowledged);
        var permittedLate = polls.Count(p => p.Status == HttpStatusCode.OK && p.Start > sent + TimeSpan.FromSeconds(1));
        var latency = firstDenied == default ? TimeSpan.MaxValue : firstDenied.End - sent;
        Console.WriteLine($"revoked by {how}: {LoadRun.Ms(acknowledged - sent)} until acknowledged");
        Console.WriteLine($"{polls.Count} exports polled on B; {permittedAfter} permitted after the revocation was acknowledged; first 403 {latency.TotalMilliseconds:F1} ms after it was sent");

        var pass = latency < TimeSpan.FromSeconds(1) && permittedLate == 0;
        Row.Print("B", pass, latency == TimeSpan.MaxValue ? "no 403" : $"{latency.TotalMilliseconds:F0} ms",
            $"revocation by {how} → export on B 403; {polls.Count} polls, {permittedAfter} permitted after its commit, {permittedLate} after 1 s");
        return pass ? 0 : 1;
    }

    private static async Task RevokeWithSqlAsync(NpgsqlConnection db, Guid grant, Guid revoker, CancellationToken ct)
    {
        await using var revoke = new NpgsqlCommand("UPDATE grants SET revoked_at = now(), revoked_by_id = @by WHERE id = @id AND revoked_at IS NULL", db);
        revoke.Parameters.AddWithValue("by", revoker);
        revoke.Parameters.AddWithValue("id", grant);
        if (await revoke.ExecuteNonQueryAsync(ct) != 1)
        {
            throw new DrillException($"grant {grant} was not live");
        }
    }

    /// <summary>The export's status only: the policy decides before the first byte; the body is not read.</summary>
    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, Uri export, CancellationToken ct)
    {
        using var response = await client.GetAsync(export, HttpCompletionOption.ResponseHeadersRead, ct);
        return response.StatusCode;
    }
}
