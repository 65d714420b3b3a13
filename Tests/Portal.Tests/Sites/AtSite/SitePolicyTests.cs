using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Sites.AtSite;

/// <summary>
/// The site's own rules, in a file the portal cannot change, hold against whatever the portal orders: each refusal
/// is named by the site, in the site's log and in the portal's audit, and nothing leaves.
/// </summary>
public sealed class SitePolicyTests(SiteHospitalPortalFactory portal) : IClassFixture<SiteHospitalPortalFactory>
{
    [Fact]
    public async Task A_k_under_the_sites_floor_is_refused_at_the_site() =>
        await RefusedAsync("site.policy.k_below_floor", await SiteWorld.AgentForPatientsAsync(portal, minK: 50));

    [Fact]
    public async Task A_column_the_site_says_never_leaves_is_refused_at_the_site_whatever_the_profile_says() =>
        await RefusedAsync("site.policy.column_forbidden", await SiteWorld.AgentForPatientsAsync(portal, neverLeave: "diagnosis_code"));

    [Fact]
    public async Task A_purpose_the_site_does_not_allow_is_refused_at_the_site() =>
        await RefusedAsync("site.policy.purpose_not_allowed", await SiteWorld.AgentForPatientsAsync(portal, policy: "\"purposes\": [\"HMB\"]"));

    [Fact]
    public async Task A_vo_the_site_does_not_allow_is_refused_at_the_site() =>
        await RefusedAsync("site.policy.vo_not_allowed", await SiteWorld.AgentForPatientsAsync(portal, policy: "\"vos\": [\"0b7f2c1e-0000-4000-8000-0000000009ff\"]"));

    [Fact]
    public async Task The_vo_through_which_bob_reaches_the_dataset_is_named_in_the_order_and_the_site_lets_it_through()
    {
        await using var agent = await SiteWorld.AgentForPatientsAsync(portal, policy: $"\"vos\": [\"{DemoSeed.CohortVo}\"]");
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);
        using var response = await bob.GetAsync(SiteWorld.Export());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_daily_row_cap_cuts_the_export_that_reaches_it_and_refuses_the_next()
    {
        await using var agent = await SiteWorld.AgentForPatientsAsync(portal, policy: "\"maxRowsPerDayPerGrant\": 3000");
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);
        using (var first = await bob.GetAsync(SiteWorld.Export(), HttpCompletionOption.ResponseHeadersRead))
        {
            if (first.StatusCode == HttpStatusCode.OK)
            {
                // Rows before the cap left: the download must not look complete.
                await Assert.ThrowsAnyAsync<Exception>(async () => await first.Content.ReadAsStringAsync());
            }
            else
            {
                // The cap fell inside the first chunk, which the site held back: nothing left at all.
                Assert.Equal(HttpStatusCode.Forbidden, first.StatusCode);
                Assert.Equal("site.policy.daily_rows_exceeded", await ProblemCode.OfAsync(first));
            }
        }
        await WaitForAuditAsync("export.aborted", "site.policy.daily_rows_exceeded");
        using var second = await bob.GetAsync(SiteWorld.Export());
        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
        Assert.Equal("site.policy.daily_rows_exceeded", await ProblemCode.OfAsync(second));
        Assert.Contains("site.policy.daily_rows_exceeded", agent.SiteLog, StringComparison.Ordinal);
    }

    private async Task RefusedAsync(string code, SiteAgentProcess agent)
    {
        await using (agent)
        {
            using var bob = portal.CreateBrowserClient();
            await DemoSession.SignInAsync(bob, DemoSeed.Bob);
            using var response = await bob.GetAsync(SiteWorld.Export());
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal(code, await ProblemCode.OfAsync(response));
            // In both logs: the site's (its hash-chained record) and the portal's audit trail.
            var refused = agent.SiteLog.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
                .Where(e => e.GetProperty("event").GetString() == "order.refused").ToList();
            Assert.Contains(refused, e => e.GetProperty("code").GetString() == code);
            await WaitForAuditAsync("export.aborted", code);
            await agent.WaitForOutputAsync(code);
        }
    }

    private async Task WaitForAuditAsync(string type, string reason)
    {
        for (var i = 0; i < 50; i++)
        {
            await using var db = portal.CreateDb();
            if (await db.AuditEvents.AnyAsync(e => e.Type == type && e.Reason == reason && e.DatasetId == DemoSeed.PatientsDataset))
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"No {type} event with reason {reason}.");
    }
}
