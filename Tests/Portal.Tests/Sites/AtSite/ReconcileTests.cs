using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Sites.AtSite;

/// <summary>The site's log and the portal's audit trail, side by side: an export one of them lost is named.</summary>
public sealed class ReconcileTests(SiteHospitalPortalFactory portal) : IClassFixture<SiteHospitalPortalFactory>
{
    [Fact]
    public async Task Reconcile_agrees_after_an_export_and_names_the_order_whose_audit_row_was_deleted()
    {
        await using var agent = await SiteWorld.AgentForPatientsAsync(portal);
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);
        using (var export = await bob.GetAsync(SiteWorld.Export()))
        {
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            await export.Content.ReadAsStringAsync();
        }
        var (agreed, said) = await agent.CommandAsync("log", "reconcile", "--state", agent.State, "--audit", await AuditExportAsync(agent));
        Assert.True(agreed == 0, said);

        // Someone with the database's keys removes the export from the portal's trail (triggers bypassed).
        string orderId;
        await using (var db = portal.CreateDb())
        {
            var completed = await db.AuditEvents.Where(e => e.Type == "export.completed" && e.DatasetId == DemoSeed.PatientsDataset)
                .OrderByDescending(e => e.Id).FirstAsync();
            orderId = completed.Details!.RootElement.GetProperty("site").GetProperty("orderId").GetString()!;
            await using var connection = new NpgsqlConnection(portal.ConnectionString);
            await connection.OpenAsync();
            await using (var replica = new NpgsqlCommand("SET session_replication_role = replica", connection))
            {
                await replica.ExecuteNonQueryAsync();
            }
            await using var delete = new NpgsqlCommand("DELETE FROM audit_events WHERE id = $1", connection);
            delete.Parameters.Add(new NpgsqlParameter { Value = completed.Id });
            await delete.ExecuteNonQueryAsync();
        }
        var (exit, output) = await agent.CommandAsync("log", "reconcile", "--state", agent.State, "--audit", await AuditExportAsync(agent));
        Assert.Equal(1, exit);
        Assert.Contains($"order {orderId}: missing from the portal's audit", output, StringComparison.Ordinal);
    }

    /// <summary>The portal's trail as its auditor downloads it (JSON Lines), in the site's folder.</summary>
    private async Task<string> AuditExportAsync(SiteAgentProcess agent)
    {
        using var carol = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(carol, DemoSeed.Carol);
        using var response = await carol.GetAsync(new Uri("/api/audit/export?format=jsonl", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.All(body.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => JsonDocument.Parse(l).Dispose());
        var file = Path.Combine(agent.Folder, $"audit-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(file, body);
        return file;
    }
}
