using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Features.Notifications;
using Portal.Tests.Infrastructure;
using Portal.Tests.VirtualOrganizations;

namespace Portal.Tests.Notifications;

/// <summary>E-mail through a real SMTP conversation with a sink on loopback: what was sent, to whom, and that its link works.</summary>
public sealed partial class EmailNotificationTests(SmtpPortalFactory portal) : IClassFixture<SmtpPortalFactory>
{
    private async Task<HttpClient> AsAsync(Guid user)
    {
        var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, user);
        return client;
    }

    [Fact]
    public async Task An_email_invitation_is_mailed_with_a_working_link_erased_after_sending_and_the_inviter_hears_of_the_acceptance()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var dave = await AsAsync(DemoSeed.Dave);
        using var created = await dave.PostAsJsonAsync($"/api/vos/{world.VoId}/invitations", new { email = "Carol@Hospital.Example.org" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var apiToken = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;

        var mail = await portal.Sink.WaitForAsync(m => m.Message.Subject == $"Invitation to join {world.VoName}");
        Assert.Equal(["carol@hospital.example.org"], mail.To);
        Assert.Equal("portal@portal.test", mail.From);
        Assert.Contains("Dave Admin", mail.Text, StringComparison.Ordinal);
        var link = InvitationLink().Match(mail.Text);
        Assert.True(link.Success, $"the mail carries an absolute invitation link: {mail.Text}");
        Assert.Equal(apiToken, link.Groups[1].Value);

        using var carol = await AsAsync(DemoSeed.Carol);
        using var accepted = await carol.PostAsJsonAsync("/api/invitations/accept", new { token = link.Groups[1].Value });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        await using (var db = portal.CreateDb())
        {
            var outbox = await db.Notifications.SingleAsync(n => n.Email == "carol@hospital.example.org" && n.Kind == "vo.invitation");
            Assert.Equal(EmailStatus.Sent, outbox.EmailStatus);
            Assert.Null(outbox.Link);
            Assert.DoesNotContain(apiToken, outbox.Body, StringComparison.Ordinal);
            // Carol has an account: her portal inbox mentions the invitation, without the secret.
            var inbox = await db.Notifications.SingleAsync(n => n.UserId == DemoSeed.Carol && n.Kind == "vo.invitation" && n.Title.Contains(world.VoName));
            Assert.DoesNotContain(apiToken, inbox.Body, StringComparison.Ordinal);
            Assert.Equal(EmailStatus.None, inbox.EmailStatus);
        }
        Assert.Single(portal.Sink.Messages, m => m.Message.Subject == $"Invitation to join {world.VoName}");

        var toDave = await portal.Sink.WaitForAsync(m => m.Message.Subject == $"Carol Steward joined {world.VoName}");
        Assert.Equal(["dave@university.example.edu"], toDave.To);
        Assert.Contains($"{SmtpPortalFactory.PublicBaseUrl}/vos/{world.VoId}", toDave.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_requests_are_mailed_to_the_admins_and_decisions_to_the_requester()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var bob = await AsAsync(DemoSeed.Bob);
        using var alice = await AsAsync(DemoSeed.Alice);
        using (var r = await alice.PostAsJsonAsync($"/api/vos/{world.VoId}/join-requests", new { message = "Pharmacology" }))
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }
        var request = await portal.Sink.WaitForAsync(m => m.Message.Subject == $"Alice Owner asks to join {world.VoName}");
        Assert.Equal(["dave@university.example.edu"], request.To);
        Assert.Contains("Pharmacology", request.Text, StringComparison.Ordinal);

        using var dave = await AsAsync(DemoSeed.Dave);
        using (var r = await dave.PostAsync($"/api/vos/{world.VoId}/join-requests/{DemoSeed.Alice}/approve", null))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var welcome = await portal.Sink.WaitForAsync(m => m.Message.Subject == $"Welcome to {world.VoName}");
        Assert.Equal(["alice@hospital.example.org"], welcome.To);
    }

    [GeneratedRegex(@"https://portal\.test/invitations/([A-Za-z0-9_-]+)")]
    private static partial Regex InvitationLink();
}

/// <summary>A mail server that is down never fails or slows the change; the e-mail is retried with backoff and sent once it is up.</summary>
public sealed class EmailRetryTests(DeadSmtpPortalFactory portal) : IClassFixture<DeadSmtpPortalFactory>
{
    [Fact]
    public async Task A_failed_delivery_is_rescheduled_with_backoff_and_sent_when_the_server_is_back()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var carol = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(carol, DemoSeed.Carol);
        var watch = Stopwatch.StartNew();
        using (var r = await carol.PostAsJsonAsync($"/api/vos/{world.VoId}/join-requests", new { message = "hello" }))
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "the request does not wait for the mail server");

        var now = portal.Clock.GetUtcNow();
        var failed = await WaitForAsync(portal, n => n.EmailAttempts >= 1);
        Assert.Equal(EmailStatus.Pending, failed.EmailStatus);
        Assert.NotNull(failed.EmailLastError);
        Assert.Equal(now + EmailDelivery.Backoff(1), failed.EmailNextAttemptAt);

        await using var sink = new SmtpSink(portal.Port);
        portal.Clock.Advance(EmailDelivery.Backoff(1) + TimeSpan.FromSeconds(1));
        var mail = await sink.WaitForAsync(m => m.Message.Subject == $"Carol Steward asks to join {world.VoName}");
        Assert.Equal(["dave@university.example.edu"], mail.To);
        var sent = await WaitForAsync(portal, n => n.EmailStatus == EmailStatus.Sent);
        Assert.Equal(1, sent.EmailAttempts);
    }

    [Fact]
    public void Backoff_doubles_from_30_seconds_up_to_an_hour()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), EmailDelivery.Backoff(1));
        Assert.Equal(TimeSpan.FromMinutes(1), EmailDelivery.Backoff(2));
        Assert.Equal(TimeSpan.FromMinutes(16), EmailDelivery.Backoff(6));
        Assert.Equal(TimeSpan.FromHours(1), EmailDelivery.Backoff(30));
    }

    private static async Task<Notification> WaitForAsync(PortalFactory portal, Func<Notification, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            await using (var db = portal.CreateDb())
            {
                var rows = await db.Notifications.AsNoTracking().Where(n => n.UserId == DemoSeed.Dave && n.Kind == "vo.join_requested").ToListAsync();
                if (rows.FirstOrDefault(condition) is { } found)
                {
                    return found;
                }
            }
            Assert.True(DateTime.UtcNow < deadline, "the outbox row did not reach the expected state");
            await Task.Delay(100);
        }
    }
}

/// <summary>Without SMTP configured, notifications are in the portal only.</summary>
public sealed class NoSmtpTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    [Fact]
    public async Task Notifications_are_written_for_the_portal_and_marked_as_not_mailed()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var carol = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(carol, DemoSeed.Carol);
        using var invite = await carol.PostAsJsonAsync($"/api/vos/{world.VoId}/join-requests", new { message = "hi" });
        Assert.Equal(HttpStatusCode.Created, invite.StatusCode);
        await using var db = portal.CreateDb();
        var n = await db.Notifications.SingleAsync(x => x.UserId == DemoSeed.Dave && x.Kind == "vo.join_requested" && x.Title.Contains(world.VoName));
        Assert.Equal(EmailStatus.None, n.EmailStatus);
        Assert.Null(n.EmailNextAttemptAt);
    }
}
