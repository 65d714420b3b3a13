using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Sites.AtSite;

/// <summary>
/// A researcher's export of a dataset that lives behind a real site agent (its own process, over a real HTTP/2
/// connection): the rows are read and anonymized at the site, the portal relays the bytes and audits the agent's
/// signed manifest, and no raw value reaches the portal.
/// </summary>
public sealed class ExportAtSiteTests(SiteHospitalPortalFactory portal) : IClassFixture<SiteHospitalPortalFactory>, IAsyncLifetime
{
    private SiteAgentProcess _agent = null!;

    public async Task InitializeAsync() => _agent = await SiteWorld.AgentForPatientsAsync(portal);

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    [Fact]
    public async Task Bob_downloads_what_the_site_anonymized_and_the_portal_audits_the_agents_signed_manifest()
    {
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);
        using var response = await bob.GetAsync(SiteWorld.Export());
        var csv = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, csv);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 1000, $"{lines.Length} lines");
        Assert.DoesNotContain("mrn", lines[0], StringComparison.Ordinal);

        await using var db = portal.CreateDb();
        var completed = await db.AuditEvents.Where(e => e.Type == "export.completed" && e.DatasetId == DemoSeed.PatientsDataset)
            .OrderByDescending(e => e.Id).FirstAsync();
        var details = completed.Details!.RootElement;
        Assert.Equal(lines.Length - 1, details.GetProperty("rowsWritten").GetInt64());
        var site = details.GetProperty("site");
        var orderId = site.GetProperty("orderId").GetString()!;
        Assert.False(string.IsNullOrEmpty(site.GetProperty("signature").GetString()));
        // The site's own record of the same order, with the same bytes.
        var entry = _agent.SiteLog.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Single(e => e.GetProperty("event").GetString() == "order.completed" && e.GetProperty("orderId").GetString() == orderId);
        Assert.Equal(details.GetProperty("sha256").GetString(), entry.GetProperty("sha256").GetString());
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(csv)),
            Convert.FromHexString(details.GetProperty("sha256").GetString()!));
    }

    [Fact]
    public async Task A_raw_identifier_of_the_hospital_reaches_neither_the_portals_database_nor_its_answers_and_the_portal_never_connects_to_the_hospital()
    {
        var canary = await SiteWorld.CanaryAsync(portal);
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);
        var seen = new List<string>();
        using (var sampler = new CancellationTokenSource())
        {
            var sampling = SampleHospitalSessionsAsync(seen, sampler.Token);
            foreach (var format in new[] { "csv", "jsonl" })
            {
                using var response = await bob.GetAsync(SiteWorld.Export(format));
                Assert.DoesNotContain(canary, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            using var alice = portal.CreateBrowserClient();
            await DemoSession.SignInAsync(alice, DemoSeed.Alice);
            var grant = DemoSeed.BobPatientsGrant;
            using var preview = await alice.GetAsync(new Uri($"/api/datasets/{DemoSeed.PatientsDataset}/preview?grantId={grant}&rows=100", UriKind.Relative));
            var previewBody = await preview.Content.ReadAsStringAsync();
            Assert.True(preview.StatusCode == HttpStatusCode.OK, previewBody);
            Assert.DoesNotContain(canary, previewBody, StringComparison.Ordinal);
            await sampler.CancelAsync();
            await sampling;
        }
        // Everyone who held a session on the hospital database while the exports ran: the agent's login only.
        Assert.NotEmpty(seen);
        Assert.All(seen, name => Assert.Equal("site-agent", name));
        Assert.DoesNotContain(canary, await DumpPortalDatabaseAsync(), StringComparison.Ordinal);
    }

    private async Task SampleHospitalSessionsAsync(List<string> seen, CancellationToken ct)
    {
        var hospital = new NpgsqlConnectionStringBuilder(portal.Hospital.ConnectionString);
        var csb = new NpgsqlConnectionStringBuilder(portal.Hospital.ConnectionString) { Database = "postgres", ApplicationName = "test-sampler", Pooling = false };
        await using var connection = new NpgsqlConnection(csb.ConnectionString);
        await connection.OpenAsync(CancellationToken.None);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await using var query = new NpgsqlCommand("SELECT application_name FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'", connection);
                query.Parameters.Add(new NpgsqlParameter { Value = hospital.Database });
                await using var reader = await query.ExecuteReaderAsync(CancellationToken.None);
                while (await reader.ReadAsync(CancellationToken.None))
                {
                    lock (seen)
                    {
                        seen.Add(reader.GetString(0));
                    }
                }
                await Task.Delay(20, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Every row of every table of the portal's database, as text (pg_dump --data-only).</summary>
    private async Task<string> DumpPortalDatabaseAsync()
    {
        var csb = new NpgsqlConnectionStringBuilder(portal.ConnectionString);
        var psi = new ProcessStartInfo("/usr/lib/postgresql/15/bin/pg_dump")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--data-only", "-h", csb.Host!, "-p", csb.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", csb.Username!, csb.Database! })
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["PGPASSWORD"] = csb.Password ?? "";
        using var p = Process.Start(psi)!;
        var dump = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, await error);
        var text = await dump;
        Assert.Contains("site_agents", text, StringComparison.Ordinal);
        return text;
    }
}
