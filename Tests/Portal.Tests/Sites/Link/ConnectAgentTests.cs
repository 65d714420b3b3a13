using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;
using Portal.Features.Sites.Link;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Sites.Link;

/// <summary>An agent proves itself with its enrolled key over a real HTTP/2 connection; nothing else gets a session.</summary>
public sealed class ConnectAgentTests(SitePortalFactory portal) : IClassFixture<SitePortalFactory>
{
    private AgentSessions Sessions => portal.Services.GetRequiredService<AgentSessions>();

    [Fact]
    public async Task An_enrolled_agent_signing_the_challenge_gets_a_session_and_its_contact_is_recorded()
    {
        portal.Start();
        await using var agent = await ScriptedAgent.EnrolledAsync(portal);
        var challenge = await agent.HelloAsync();
        Assert.Equal(32, challenge.Challenge.Nonce.Length);
        var welcome = await agent.ProveAsync(challenge);
        Assert.Equal(agent.Id.ToString("D"), welcome.Welcome.AgentId);
        Assert.True(Sessions.IsConnected(agent.Id));
        await using var db = portal.CreateDb();
        var row = await db.SiteAgents.SingleAsync(a => a.Id == agent.Id);
        Assert.NotNull(row.LastContactAt);
        Assert.Equal("test", row.Version);
        Assert.Equal(["patients"], row.SiteDatasets);
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Type == "site.agent.connected" && e.ActorName == "agent:ward-7"));
    }

    [Fact]
    public async Task A_challenge_signed_with_another_key_is_refused_and_audited()
    {
        portal.Start();
        await using var agent = await ScriptedAgent.EnrolledAsync(portal, "impostor-site");
        using var other = SiteKeys.Create();
        var e = await Assert.ThrowsAsync<RpcException>(async () => await agent.ProveAsync(await agent.HelloAsync(), other));
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.StartsWith("site.agent.bad_proof", e.Status.Detail, StringComparison.Ordinal);
        Assert.False(Sessions.IsConnected(agent.Id));
        await using var db = portal.CreateDb();
        Assert.True(await db.AuditEvents.AnyAsync(a => a.Type == "site.agent.refused" && a.Reason == "site.agent.bad_proof"));
    }

    [Fact]
    public async Task An_unknown_agent_id_gets_no_challenge()
    {
        portal.Start();
        await using var agent = await ScriptedAgent.EnrolledAsync(portal, "known-site");
        var e = await Assert.ThrowsAsync<RpcException>(() => agent.HelloAsync(Guid.NewGuid().ToString("D")));
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.StartsWith("site.agent.unknown", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabling_an_agent_ends_its_session_at_once_and_it_cannot_come_back()
    {
        portal.Start();
        await using var agent = await ScriptedAgent.EnrolledAsync(portal, "to-disable");
        await agent.ConnectAsync();
        Assert.True(Sessions.IsConnected(agent.Id));
        await using (var db = portal.CreateDb())
        {
            await db.SiteAgents.Where(a => a.Id == agent.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.DisabledAt, DateTimeOffset.UtcNow));
        }
        // The trigger's NOTIFY reaches the listener; the Connect call ends with the reason.
        var e = await Assert.ThrowsAsync<RpcException>(() => agent.NextAsync(seconds: 5));
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.StartsWith("site.agent.disabled", e.Status.Detail, StringComparison.Ordinal);
        Assert.False(Sessions.IsConnected(agent.Id));

        // A new connection with the disabled agent's id is refused at Hello.
        await using var again = await ScriptedAgent.EnrolledAsync(portal, "bystander");
        var refused = await Assert.ThrowsAsync<RpcException>(() => again.HelloAsync(agent.Id.ToString("D")));
        Assert.StartsWith("site.agent.disabled", refused.Status.Detail, StringComparison.Ordinal);
    }
}
