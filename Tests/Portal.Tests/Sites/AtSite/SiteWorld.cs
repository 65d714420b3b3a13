using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Sites.AtSite;

/// <summary>
/// The demo world with Alice's patients moved behind a real site agent: she makes a code, the agent enrolls with it
/// and connects, and the dataset then names the agent and its site dataset, with no host and no login.
/// </summary>
internal static class SiteWorld
{
    public static async Task<SiteAgentProcess> AgentForPatientsAsync(SiteHospitalPortalFactory portal, string policy = "", string? name = null,
        int minK = 5, Uri? via = null, params string[] neverLeave)
    {
        // Each test class instance brings its own agent; the dataset moves to the newest.
        name ??= "hospital-" + Guid.NewGuid().ToString("N")[..8];
        portal.Start();
        await portal.PolicyLoadedAsync();
        var agent = SiteAgentProcess.Prepare(portal.Hospital.ConnectionString, policy, minK, neverLeave);
        try
        {
            var code = await SiteAgentKit.CodeAsync(portal, DemoSeed.Alice, name);
            var (exit, output) = await agent.EnrollAsync(via ?? portal.AgentUrl, code);
            Assert.True(exit == 0, output);
            await agent.RunAsync();
            await using var db = portal.CreateDb();
            var agentId = await db.SiteAgents.Where(a => a.Name == name).Select(a => a.Id).SingleAsync();
            var patients = await db.Datasets.SingleAsync(d => d.Id == DemoSeed.PatientsDataset);
            patients.Connector = new ConnectorSettings { Kind = ConnectorKind.Agent, AgentId = agentId, SiteDataset = "patients" };
            await db.SaveChangesAsync();
            return agent;
        }
        catch
        {
            // A half-made site must not leave its agent running past the test.
            await agent.DisposeAsync();
            throw;
        }
    }

    /// <summary>A value only the hospital holds: the medical record number of one patient.</summary>
    public static async Task<string> CanaryAsync(SiteHospitalPortalFactory portal)
    {
        // Not pooled and named: the test's own sessions on the hospital must not be mistaken for the portal's.
        var csb = new NpgsqlConnectionStringBuilder(portal.Hospital.ConnectionString) { Pooling = false, ApplicationName = "test-canary" };
        await using var connection = new NpgsqlConnection(csb.ConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT mrn FROM patients ORDER BY patient_id LIMIT 1", connection);
        return (string)(await query.ExecuteScalarAsync())!;
    }

    public static Uri Export(string format = "csv") =>
        new($"/api/datasets/{DemoSeed.PatientsDataset}/export?purpose=DS:HIV&ethics=UNI-IRB-2026-117&format={format}", UriKind.Relative);
}
