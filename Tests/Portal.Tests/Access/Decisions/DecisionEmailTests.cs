using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Features.Demo;
using Portal.Tests.Notifications;

namespace Portal.Tests.Access.Decisions;

/// <summary>Requests, decisions and revocations reach people by e-mail too: what the SMTP sink on loopback received.</summary>
public sealed class DecisionEmailTests(SmtpPortalFactory portal) : IClassFixture<SmtpPortalFactory>
{
    private const string Alice = "alice@hospital.example.org";
    private const string Carol = "carol@hospital.example.org";
    private const string Bob = "bob@university.example.edu";

    [Fact]
    public async Task A_request_is_mailed_to_owner_and_steward_its_approval_and_the_revocation_to_the_researcher()
    {
        var dataset = await AccessWorld.DatasetAsync(portal);
        var name = AccessWorld.NameOf(dataset);
        using var bob = await AccessWorld.AsAsync(portal, DemoSeed.Bob);
        var request = await AccessWorld.CreatedRequestAsync(bob, AccessWorld.Request(dataset, portal.Clock.GetUtcNow()));

        var toAlice = await portal.Sink.WaitForAsync(m => m.To.Contains(Alice) && m.Message.Subject == $"Bob Researcher asks for {name}");
        Assert.Contains($"{SmtpPortalFactory.PublicBaseUrl}/access-requests/inbox", toAlice.Text, StringComparison.Ordinal);
        await portal.Sink.WaitForAsync(m => m.To.Contains(Carol) && m.Message.Subject == $"Bob Researcher asks for {name}");

        using var alice = await AccessWorld.AsAsync(portal, DemoSeed.Alice);
        using var approved = await alice.PostAsJsonAsync($"/api/access-requests/{request.GetProperty("id").GetGuid()}/approve", new { });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var grantId = (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("grantId").GetGuid();
        var approval = await portal.Sink.WaitForAsync(m => m.To.Contains(Bob) && m.Message.Subject == $"Your request for {name} was approved");
        Assert.Contains("DS:HIV", approval.Text, StringComparison.Ordinal);

        using var revoked = await alice.PostAsJsonAsync($"/api/grants/{grantId}/revoke", new { reason = "The cohort withdrew consent." });
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var revocation = await portal.Sink.WaitForAsync(m => m.To.Contains(Bob) && m.Message.Subject == $"Your access to {name} was revoked");
        Assert.Contains("The cohort withdrew consent.", revocation.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_denial_is_mailed_to_the_researcher_with_its_reason()
    {
        var dataset = await AccessWorld.DatasetAsync(portal);
        var name = AccessWorld.NameOf(dataset);
        using var bob = await AccessWorld.AsAsync(portal, DemoSeed.Bob);
        var request = await AccessWorld.CreatedRequestAsync(bob, AccessWorld.Request(dataset, portal.Clock.GetUtcNow()));

        using var carol = await AccessWorld.AsAsync(portal, DemoSeed.Carol);
        using var denied = await carol.PostAsJsonAsync($"/api/access-requests/{request.GetProperty("id").GetGuid()}/deny", new { reason = "The ethics approval has lapsed." });
        Assert.Equal(HttpStatusCode.OK, denied.StatusCode);
        var mail = await portal.Sink.WaitForAsync(m => m.To.Contains(Bob) && m.Message.Subject == $"Your request for {name} was denied");
        Assert.Contains("The ethics approval has lapsed.", mail.Text, StringComparison.Ordinal);
    }
}
