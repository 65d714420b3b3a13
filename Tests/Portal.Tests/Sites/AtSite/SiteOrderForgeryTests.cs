using System.Net;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;
using Portal.Features.Demo;
using Portal.Features.Sites.Agents;
using Portal.Features.Sites.Link;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Sites.AtSite;

/// <summary>
/// What a forger, a replaying network or a broken portal could send the real agent: each is refused at the site
/// with its reason, which the portal hears and the site logs; and what happens when the agent dies or is disabled.
/// </summary>
public sealed class SiteOrderForgeryTests(SiteHospitalPortalFactory portal) : IClassFixture<SiteHospitalPortalFactory>
{
    private SiteOrders Orders => portal.Services.GetRequiredService<SiteOrders>();
    private OrderSigningKey Key => portal.Services.GetRequiredService<OrderSigningKey>();

    [Fact]
    public async Task Forged_replayed_expired_and_tampered_orders_are_refused_at_the_site_with_their_reasons()
    {
        await using var agent = await SiteWorld.AgentForPatientsAsync(portal);
        var agentId = await AgentIdAsync();
        string profile;
        await using (var db = portal.CreateDb())
        {
            profile = (await db.Datasets.SingleAsync(d => d.Id == DemoSeed.PatientsDataset)).AnonymizationProfile!;
        }
        Order Fresh(DateTimeOffset? issued = null) => SiteOrders.Build(new SiteOrderDraft(agentId, OrderKind.Export, "patients", DemoSeed.PatientsDataset,
            GrantId: DemoSeed.BobPatientsGrant, ProfileJson: profile, Purpose: "DS:HIV", K: 5, Format: "csv"), issued ?? DateTimeOffset.UtcNow);

        using var stranger = SiteKeys.Create();
        var forged = Fresh();
        await ExpectAsync("site.order.signature_invalid", forged, SiteKeys.Sign(stranger, forged.ToByteArray()), profile);

        var expired = Fresh(DateTimeOffset.UtcNow.AddMinutes(-5));
        await ExpectAsync("site.order.expired", expired, Key.Sign(expired.ToByteArray()), profile);

        var tampered = Fresh();
        await ExpectAsync("site.order.profile_mismatch", tampered, Key.Sign(tampered.ToByteArray()), profile.Replace("\"drop\"", "\"keep\"", StringComparison.Ordinal));

        var once = Fresh();
        var signature = Key.Sign(once.ToByteArray());
        var accepted = await Orders.SendRawAsync(agentId, once, signature, profile, CancellationToken.None);
        Assert.True(accepted.Succeeded, accepted.Failure?.Code);
        await using (var call = accepted.Value!)
        {
            await foreach (var _ in call.ChunksAsync(CancellationToken.None))
            {
            }
            Assert.True(call.End!.Completed, call.End.Code);
        }
        await ExpectAsync("site.order.replayed", once, signature, profile);

        var codes = agent.SiteLog.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("event").GetString() == "order.refused").Select(e => e.GetProperty("code").GetString()).ToList();
        Assert.Equal(["site.order.signature_invalid", "site.order.expired", "site.order.profile_mismatch", "site.order.replayed"], codes);
    }

    [Fact]
    public async Task An_agent_killed_mid_export_leaves_a_visibly_cut_download_and_an_aborted_export()
    {
        var agent = await SiteWorld.AgentForPatientsAsync(portal);
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);
        using var response = await bob.GetAsync(SiteWorld.Export(), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        Assert.True(await body.ReadAsync(buffer) > 0);
        // Bob reads slowly; the site's process dies with the rest of the file unsent.
        await agent.DisposeAsync();
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            while (await body.ReadAsync(buffer) > 0)
            {
            }
        });
        await using var db = portal.CreateDb();
        var aborted = await db.AuditEvents.Where(e => e.Type == "export.aborted" && e.DatasetId == DemoSeed.PatientsDataset).OrderByDescending(e => e.Id).FirstAsync();
        Assert.True(aborted.Reason is "site.agent.lost" or "site.delivery.cut" or "site.agent.offline", aborted.Reason);
    }

    [Fact]
    public async Task A_disabled_agent_is_cut_off_at_once_and_downloads_answer_503()
    {
        await using var agent = await SiteWorld.AgentForPatientsAsync(portal);
        var disabled = await DisableAgent.HandleAsync(SiteAgentKit.Services(portal), SiteAgentKit.CallerFor(DemoSeed.Alice), await AgentIdAsync(), CancellationToken.None);
        Assert.True(disabled.Succeeded, disabled.Failure?.Code);
        await agent.WaitForOutputAsync("disabled", seconds: 10);
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);
        using var response = await bob.GetAsync(SiteWorld.Export());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("site.agent.offline", await ProblemCode.OfAsync(response));
    }

    [Fact]
    public async Task An_enrollment_code_works_once()
    {
        portal.Start();
        var code = await SiteAgentKit.CodeAsync(portal, DemoSeed.Alice, "twice-" + Guid.NewGuid().ToString("N")[..6]);
        await using var first = SiteAgentProcess.Prepare(portal.Hospital.ConnectionString);
        await using var second = SiteAgentProcess.Prepare(portal.Hospital.ConnectionString);
        Assert.Equal(0, (await first.EnrollAsync(portal.AgentUrl, code)).ExitCode);
        var (exit, output) = await second.EnrollAsync(portal.AgentUrl, code);
        Assert.Equal(1, exit);
        Assert.Contains("site.enrollment.used", output, StringComparison.Ordinal);
    }

    private async Task ExpectAsync(string code, Order order, byte[] signature, string profile)
    {
        var result = await Orders.SendRawAsync(await AgentIdAsync(), order, signature, profile, CancellationToken.None);
        Assert.Equal(code, result.Failure?.Code);
    }

    private async Task<Guid> AgentIdAsync()
    {
        await using var db = portal.CreateDb();
        return (await db.Datasets.SingleAsync(d => d.Id == DemoSeed.PatientsDataset)).Connector.AgentId!.Value;
    }
}
