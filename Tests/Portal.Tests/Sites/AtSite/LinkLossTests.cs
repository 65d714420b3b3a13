using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Sites.AtSite;

/// <summary>
/// The connection between a site and the portal breaks in the middle of an export (the portal died, or the network
/// between them): the site stops and records it, the researcher's download is visibly cut, and the agent dials again
/// until the portal is back, then serves the next export.
/// </summary>
public sealed class LinkLossTests(SiteHospitalPortalFactory portal) : IClassFixture<SiteHospitalPortalFactory>
{
    [Fact]
    public async Task A_link_lost_mid_export_stops_the_site_cuts_the_download_and_the_agent_comes_back()
    {
        portal.Start();
        using var relay = new TcpRelay($"Host=127.0.0.1;Port={portal.AgentPort}");
        await using var agent = await SiteWorld.AgentForPatientsAsync(portal, via: new Uri($"http://127.0.0.1:{relay.Port}"));
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);

        using (var response = await bob.GetAsync(SiteWorld.Export(), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[4096];
            Assert.True(await body.ReadAsync(buffer) > 0);
            relay.Cut();
            await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                while (await body.ReadAsync(buffer) > 0)
                {
                }
            });
        }
        // The site noticed: the order did not complete there, and says why in its log.
        var ended = await WaitForSiteEntryAsync(agent, e => e.GetProperty("event").GetString() is "order.failed" or "order.cancelled");
        Assert.NotEqual("order.completed", ended.GetProperty("event").GetString());
        await using (var db = portal.CreateDb())
        {
            Assert.True(await db.AuditEvents.AnyAsync(e => e.Type == "export.aborted" && e.DatasetId == DemoSeed.PatientsDataset));
        }

        relay.Restore();
        await WaitForLinksAsync(agent, 2);
        using var again = await bob.GetAsync(SiteWorld.Export());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True((await again.Content.ReadAsStringAsync()).Length > 1000);
    }

    private static async Task<JsonElement> WaitForSiteEntryAsync(SiteAgentProcess agent, Func<JsonElement, bool> match)
    {
        for (var i = 0; i < 100; i++)
        {
            var found = agent.SiteLog.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
                .Where(e => e.TryGetProperty("kind", out var k) && k.GetString() == "export").LastOrDefault(match);
            if (found.ValueKind != JsonValueKind.Undefined)
            {
                return found;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"The site log records no end of the export. Log:\n{agent.SiteLog}\nOutput:\n{agent.Output}");
        return default;
    }

    private static async Task WaitForLinksAsync(SiteAgentProcess agent, int links)
    {
        for (var i = 0; i < 300; i++)
        {
            if (agent.Output.Split("Linked to the portal").Length - 1 >= links)
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"The agent did not link again. Output:\n{agent.Output}");
    }
}
