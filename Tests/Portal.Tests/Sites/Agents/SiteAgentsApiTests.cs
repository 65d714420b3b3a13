using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;
using static Portal.Tests.Sites.SiteAgentKit;

namespace Portal.Tests.Sites.Agents;

/// <summary>
/// The owner's agents: GET /api/sites/agents, POST …/{id}/disable and …/enable, and the /sites page. Only the owner
/// sees or switches an agent; everyone else gets the same 404 as for an agent that does not exist, and changes nothing.
/// </summary>
public sealed class SiteAgentsApiTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private static readonly Uri Agents = new("/api/sites/agents", UriKind.Relative);
    private static readonly string[] ReaderScopes = ["catalogue:read", "data:export"];

    private static Uri Switch(Guid id, string what) => new($"/api/sites/agents/{id}/{what}", UriKind.Relative);

    private async Task<HttpClient> SignedInAsync(Guid user)
    {
        await portal.PolicyLoadedAsync();
        var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, user);
        return client;
    }

    /// <summary>An enrolled agent of Alice's that last spoke <paramref name="ago"/>, serving one portal dataset.</summary>
    private async Task<(Guid Agent, Guid Dataset)> AgentWithDatasetAsync(string name, TimeSpan ago)
    {
        var agent = await EnrolledAgentAsync(portal, DemoSeed.Alice, name);
        var now = portal.Clock.GetUtcNow();
        var dataset = new Dataset
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = DemoSeed.Alice,
            Name = $"{name} admissions",
            Connector = new ConnectorSettings { Kind = ConnectorKind.Agent, AgentId = agent, SiteDataset = "admissions" },
            CreatedAt = now,
            UpdatedAt = now,
        };
        await using var db = portal.CreateDb();
        db.Datasets.Add(dataset);
        await db.SaveChangesAsync();
        await db.SiteAgents.Where(a => a.Id == agent).ExecuteUpdateAsync(set => set
            .SetProperty(a => a.LastContactAt, now - ago)
            .SetProperty(a => a.SiteDatasets, new List<string> { "admissions", "labs" }));
        return (agent, dataset.Id);
    }

    private static JsonElement Find(JsonElement list, Guid id) =>
        list.EnumerateArray().Single(a => a.GetProperty("id").GetGuid() == id);

    [Fact]
    public async Task The_owner_lists_her_agents_with_contact_state_and_datasets_and_disables_and_enables_one()
    {
        var (agent, dataset) = await AgentWithDatasetAsync("North site", TimeSpan.FromSeconds(20));
        var (quiet, _) = await AgentWithDatasetAsync("Quiet site", TimeSpan.FromSeconds(61));
        using var alice = await SignedInAsync(DemoSeed.Alice);

        var list = await alice.GetFromJsonAsync<JsonElement>(Agents);
        var north = Find(list, agent);
        Assert.Equal("North site", north.GetProperty("name").GetString());
        Assert.Equal("1.0.0", north.GetProperty("version").GetString());
        Assert.Equal("db01.hospital.example.org", north.GetProperty("hostName").GetString());
        Assert.True(north.GetProperty("online").GetBoolean());
        Assert.Equal(JsonValueKind.Null, north.GetProperty("disabledAt").ValueKind);
        var served = Assert.Single(north.GetProperty("datasets").EnumerateArray());
        Assert.Equal((dataset, "North site admissions", "admissions"),
            (served.GetProperty("id").GetGuid(), served.GetProperty("name").GetString(), served.GetProperty("siteDataset").GetString()));
        Assert.Equal(["admissions", "labs"], north.GetProperty("siteDatasets").EnumerateArray().Select(s => s.GetString()!));
        Assert.False(Find(list, quiet).GetProperty("online").GetBoolean());

        using (var disabled = await alice.PostAsync(Switch(agent, "disable"), null))
        {
            Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
            var view = await disabled.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(portal.Clock.GetUtcNow(), view.GetProperty("disabledAt").GetDateTimeOffset());
            Assert.False(view.GetProperty("online").GetBoolean());
        }
        using (var twice = await alice.PostAsync(Switch(agent, "disable"), null))
        {
            Assert.Equal(HttpStatusCode.OK, twice.StatusCode);
        }
        await using var db = portal.CreateDb();
        Assert.NotNull((await db.SiteAgents.AsNoTracking().SingleAsync(a => a.Id == agent)).DisabledAt);
        Assert.Equal(1, await CountAuditAsync(db, "site.agent.disabled", agent));
        Assert.False(Find(await alice.GetFromJsonAsync<JsonElement>(Agents), agent).GetProperty("online").GetBoolean());

        using (var enabled = await alice.PostAsync(Switch(agent, "enable"), null))
        {
            Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        }
        Assert.Null((await db.SiteAgents.AsNoTracking().SingleAsync(a => a.Id == agent)).DisabledAt);
        Assert.Equal(1, await CountAuditAsync(db, "site.agent.enabled", agent));
    }

    [Fact]
    public async Task Disabling_tells_every_instance_through_the_database()
    {
        var agent = await EnrolledAgentAsync(portal, DemoSeed.Alice, "Announced");
        await using var listener = new NpgsqlConnection(portal.ConnectionString);
        await listener.OpenAsync();
        var heard = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Notification += (_, e) => heard.TrySetResult(e.Payload);
        await using (var listen = new NpgsqlCommand("LISTEN site_agent_changes", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        using var alice = await SignedInAsync(DemoSeed.Alice);
        using var response = await alice.PostAsync(Switch(agent, "disable"), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!heard.Task.IsCompleted)
        {
            await listener.WaitAsync(wait.Token);
        }
        Assert.Equal(agent.ToString(), await heard.Task);
    }

    [Fact]
    public async Task Another_person_gets_the_uniform_404_and_changes_nothing()
    {
        var agent = await EnrolledAgentAsync(portal, DemoSeed.Alice, "Private site");
        using var bob = await SignedInAsync(DemoSeed.Bob);
        using var carol = await SignedInAsync(DemoSeed.Carol);
        await using var db = portal.CreateDb();
        var auditBefore = await db.AuditEvents.CountAsync(e => e.Type.StartsWith("site.agent."));

        foreach (var (who, target) in new[] { (bob, agent), (carol, agent), (bob, Guid.NewGuid()) })
        {
            foreach (var what in new[] { "disable", "enable" })
            {
                using var response = await who.PostAsync(Switch(target, what), null);
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                Assert.Equal("site.agent.unknown", await ProblemCode.OfAsync(response));
            }
        }
        var bobs = await bob.GetFromJsonAsync<JsonElement>(Agents);
        Assert.DoesNotContain(bobs.EnumerateArray(), a => a.GetProperty("id").GetGuid() == agent);
        Assert.Null((await db.SiteAgents.AsNoTracking().SingleAsync(a => a.Id == agent)).DisabledAt);
        Assert.Equal(auditBefore, await db.AuditEvents.CountAsync(e => e.Type.StartsWith("site.agent.")));
    }

    [Fact]
    public async Task A_token_without_datasets_manage_neither_lists_nor_disables()
    {
        var agent = await EnrolledAgentAsync(portal, DemoSeed.Alice, "Scoped site");
        using var alice = await SignedInAsync(DemoSeed.Alice);
        using var made = await alice.PostAsJsonAsync(new Uri("/api/tokens", UriKind.Relative), new { name = "reader", scopes = ReaderScopes, expiresInDays = 7 });
        using var script = portal.CreateBrowserClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await made.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetString());

        using var list = await script.GetAsync(Agents);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal("token.scope_missing", await ProblemCode.OfAsync(list));
        using var disable = await script.PostAsync(Switch(agent, "disable"), null);
        Assert.Equal(HttpStatusCode.Forbidden, disable.StatusCode);
        Assert.Equal("token.scope_missing", await ProblemCode.OfAsync(disable));
        await using var db = portal.CreateDb();
        Assert.Null((await db.SiteAgents.AsNoTracking().SingleAsync(a => a.Id == agent)).DisabledAt);
    }

    [Fact]
    public async Task The_page_lists_the_owners_agents_in_a_table_and_offers_enrollment()
    {
        await AgentWithDatasetAsync("Page site", TimeSpan.FromSeconds(5));
        using var alice = await SignedInAsync(DemoSeed.Alice);
        using var response = await alice.GetAsync(new Uri("/sites", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("Site agents", html, StringComparison.Ordinal);
        Assert.Contains("Agent name", html, StringComparison.Ordinal);
        Assert.Contains("<th", html, StringComparison.Ordinal);
        Assert.Contains("Page site admissions", html, StringComparison.Ordinal);
        Assert.Contains("online", html, StringComparison.Ordinal);

        using var bob = await SignedInAsync(DemoSeed.Bob);
        var bobs = WebUtility.HtmlDecode(await (await bob.GetAsync(new Uri("/sites", UriKind.Relative))).Content.ReadAsStringAsync());
        Assert.DoesNotContain("Page site", bobs, StringComparison.Ordinal);
    }

    private static async Task<int> CountAuditAsync(Portal.Data.PortalDb db, string type, Guid agent) =>
        (await db.AuditEvents.AsNoTracking().Where(e => e.Type == type).ToListAsync())
            .Count(e => e.Details!.RootElement.GetProperty("agentId").GetGuid() == agent);
}
