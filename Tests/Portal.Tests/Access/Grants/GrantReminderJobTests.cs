using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Access.Grants;
using Portal.Features.Demo;
using Portal.Tests.Notifications;

namespace Portal.Tests.Access.Grants;

/// <summary>
/// Grants end by themselves, and their grantees and owner hear of it 14 and 3 days before, once each. This class moves
/// the clock, so it has its portal (with the SMTP sink) to itself.
/// </summary>
public sealed class GrantReminderTests(SmtpPortalFactory portal) : IClassFixture<SmtpPortalFactory>
{
    private GrantReminderJob Job => portal.Services.GetRequiredService<GrantReminderJob>();

    [Fact]
    public async Task Reminders_go_out_at_14_and_3_days_once_each_and_the_ended_grant_is_shown_as_ended()
    {
        var dataset = await AccessWorld.DatasetAsync(portal);
        var name = AccessWorld.NameOf(dataset);
        var grantId = await AccessWorld.BobGrantAsync(portal, dataset, TimeSpan.FromDays(20));

        await Job.RunOnceAsync(CancellationToken.None);
        Assert.Empty(await RemindersAsync(grantId));

        portal.Clock.Advance(TimeSpan.FromDays(7)); // 13 days left
        await Job.RunOnceAsync(CancellationToken.None);
        await Job.RunOnceAsync(CancellationToken.None);
        Assert.Equal([(DemoSeed.Alice, 14), (DemoSeed.Bob, 14)], await RemindersAsync(grantId));
        await portal.Sink.WaitForAsync(m => m.To.Contains("bob@university.example.edu") && m.Message.Subject == $"Your access to {name} ends in 14 days");
        await portal.Sink.WaitForAsync(m => m.To.Contains("alice@hospital.example.org") && m.Message.Subject == $"A grant on {name} ends in 14 days");

        portal.Clock.Advance(TimeSpan.FromDays(10)); // 3 days left
        await Job.RunOnceAsync(CancellationToken.None);
        await Job.RunOnceAsync(CancellationToken.None);
        Assert.Equal([(DemoSeed.Alice, 3), (DemoSeed.Alice, 14), (DemoSeed.Bob, 3), (DemoSeed.Bob, 14)], await RemindersAsync(grantId));
        await portal.Sink.WaitForAsync(m => m.To.Contains("bob@university.example.edu") && m.Message.Subject == $"Your access to {name} ends in 3 days");
        await Task.Delay(500); // any duplicate e-mail would have been delivered by now
        Assert.Single(portal.Sink.Messages, m => m.Message.Subject == $"Your access to {name} ends in 14 days");
        Assert.Single(portal.Sink.Messages, m => m.Message.Subject == $"Your access to {name} ends in 3 days");
        await using (var db = portal.CreateDb())
        {
            Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.GrantId == grantId && e.Type == "grant.reminder_sent"));
            Assert.Equal(2, await db.GrantReminders.CountAsync(r => r.GrantId == grantId));
        }

        portal.Clock.Advance(TimeSpan.FromDays(4)); // ended a day ago
        await Job.RunOnceAsync(CancellationToken.None);
        Assert.Equal(4, (await RemindersAsync(grantId)).Count);
        using var bob = await AccessWorld.AsAsync(portal, DemoSeed.Bob);
        var live = await bob.GetFromJsonAsync<JsonElement>("/api/grants/mine");
        Assert.DoesNotContain(live.EnumerateArray(), g => g.GetProperty("id").GetGuid() == grantId);
        var all = await bob.GetFromJsonAsync<JsonElement>("/api/grants/mine?includeEnded=true");
        Assert.Equal("Ended", all.EnumerateArray().Single(g => g.GetProperty("id").GetGuid() == grantId).GetProperty("status").GetString());
        using var alice = await AccessWorld.AsAsync(portal, DemoSeed.Alice);
        var ofDataset = await alice.GetFromJsonAsync<JsonElement>($"/api/grants/datasets/{dataset}");
        Assert.Equal("Ended", ofDataset.EnumerateArray().Single(g => g.GetProperty("id").GetGuid() == grantId).GetProperty("status").GetString());
        var access = await alice.GetFromJsonAsync<JsonElement>($"/api/grants/datasets/{dataset}/access");
        Assert.Empty(access.EnumerateArray());
    }

    private async Task<List<(Guid User, int Days)>> RemindersAsync(Guid grantId)
    {
        await using var db = portal.CreateDb();
        var name = AccessWorld.NameOf((await db.Grants.SingleAsync(g => g.Id == grantId)).DatasetId);
        var rows = await db.Notifications.Where(n => n.Kind == "grant.reminder" && n.Title.Contains(name)).Select(n => new { n.UserId, n.Title }).ToListAsync();
        return [.. rows.Select(r => (r.UserId!.Value, r.Title.Contains("in 14 days", StringComparison.Ordinal) ? 14 : 3)).OrderBy(r => r.Value).ThenBy(r => r.Item2)];
    }
}
