using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Features.SignIn.Saml;
using Portal.Tests.Infrastructure;
using Portal.Tests.SignIn.Saml;

namespace Portal.Tests.SignIn.Saml;

/// <summary>
/// The portal as the SP of the attack corpus's IdP, at the corpus's own clock and URLs, so every attack reaches the
/// real ACS endpoint unchanged.
/// </summary>
public sealed class CorpusPortalFactory : PortalFactory
{
    protected override DateTimeOffset StartTime => ResponseScenario.Now;

    protected override IReadOnlyDictionary<string, string> Federation => TestFederation.Settings("https://portal.example.org",
        (ResponseScenario.IdpEntityId, TestKeys.IdpSigning, "hospital.example.org"),
        (ResponseScenario.OtherIdpEntityId, TestKeys.OtherIdpSigning, "university.example.edu"));
}

/// <summary>Every attack of the checklist through /saml/acs: rejected with its reason, audited, and no session.</summary>
public sealed class SamlAcsEndpointTests(CorpusPortalFactory portal) : IClassFixture<CorpusPortalFactory>
{
    // These change what the pending request is; the endpoint keeps that server-side, so they have endpoint-shaped
    // tests of their own below.
    private static readonly HashSet<string> PendingShaped =
    [
        "replayed", "unknown InResponseTo", "InResponseTo without any pending request", "stale pending request",
        "unsolicited (IdP-initiated) refused", "open-redirect RelayState on unsolicited response",
    ];

    public static TheoryData<SamlAttack> Attacks => [.. SamlAttackCorpus.All.Where(a => !PendingShaped.Contains(a.Name))];

    private async Task<(HttpClient Client, ResponseScenario Scenario)> StartAsync()
    {
        var client = portal.CreateBrowserClient();
        var (requestId, relayState, _) = await DemoSession.StartAsync(client, ResponseScenario.IdpEntityId, "/datasets/42");
        var scenario = new ResponseScenario
        {
            InResponseTo = requestId,
            RelayState = relayState,
            ResponseIdValue = "_r" + Guid.NewGuid().ToString("N"),
            AssertionIdValue = "_a" + Guid.NewGuid().ToString("N"),
        };
        return (client, scenario);
    }

    private async Task AssertRejectedAsync(HttpResponseMessage response, string reason)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/signin/failed?reason={reason}", response.Headers.Location?.OriginalString);
        Assert.DoesNotContain(response.Headers.Where(h => h.Key == "Set-Cookie").SelectMany(h => h.Value),
            c => c.StartsWith("portal_session=", StringComparison.Ordinal) && !c.Contains("expires=Thu, 01 Jan 1970", StringComparison.Ordinal));
        await using var db = portal.CreateDb();
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Type == "signin.failed" && e.Reason == reason),
            $"no signin.failed audit event with reason {reason}");
    }

    [Fact]
    public async Task The_valid_response_signs_in_and_returns_to_the_requested_page()
    {
        var (client, scenario) = await StartAsync();
        using var _ = client;
        using var response = await DemoSession.PostAsync(client, scenario.Build(), scenario.RelayState);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/datasets/42", response.Headers.Location?.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("portal_session=", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Each_attack_is_rejected_with_its_reason_audited_and_gets_no_session(SamlAttack attack)
    {
        ArgumentNullException.ThrowIfNull(attack);
        var (client, scenario) = await StartAsync();
        using var _ = client;
        attack.Mutate(scenario);
        using var response = await DemoSession.PostAsync(client, scenario.Build(), scenario.RelayState);
        await AssertRejectedAsync(response, attack.ExpectedReason);
    }

    [Theory]
    [InlineData(AssertionEncryption.Aes256Cbc)]
    [InlineData(AssertionEncryption.Aes128Gcm)]
    [InlineData(AssertionEncryption.Aes256Gcm)]
    public async Task Encrypted_assertions_sign_in(AssertionEncryption encryption)
    {
        var (client, scenario) = await StartAsync();
        using var _ = client;
        scenario.Encryption = encryption;
        using var response = await DemoSession.PostAsync(client, scenario.Build(), scenario.RelayState);
        Assert.Equal("/datasets/42", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_response_posted_twice_is_refused_the_second_time()
    {
        var (client, scenario) = await StartAsync();
        using var _ = client;
        var posted = scenario.Build();
        using var first = await DemoSession.PostAsync(client, posted, scenario.RelayState);
        Assert.Equal("/datasets/42", first.Headers.Location?.OriginalString);
        using var second = await DemoSession.PostAsync(client, posted, scenario.RelayState);
        // The pending request was used up by the first POST, before the replay cache is even asked.
        await AssertRejectedAsync(second, SamlReasons.InResponseTo);
    }

    [Fact]
    public async Task A_response_from_another_browser_is_refused()
    {
        var (client, scenario) = await StartAsync();
        using var _ = client;
        using var attacker = portal.CreateBrowserClient();
        using var response = await DemoSession.PostAsync(attacker, scenario.Build(), scenario.RelayState);
        await AssertRejectedAsync(response, SamlReasons.InResponseTo);
    }

    [Fact]
    public async Task A_response_with_an_unknown_relay_state_is_refused()
    {
        var (client, scenario) = await StartAsync();
        using var _ = client;
        using var response = await DemoSession.PostAsync(client, scenario.Build(), "not-a-relay-state-we-issued");
        await AssertRejectedAsync(response, SamlReasons.InResponseTo);
    }

    [Fact]
    public async Task An_unsolicited_response_is_refused()
    {
        var (client, scenario) = await StartAsync();
        using var _ = client;
        scenario.Unsolicited();
        using var response = await DemoSession.PostAsync(client, scenario.Build(), null);
        await AssertRejectedAsync(response, SamlReasons.Unsolicited);
    }

    [Fact]
    public async Task Sign_in_to_an_unknown_idp_is_refused_before_anything_is_sent()
    {
        using var client = portal.CreateBrowserClient();
        using var response = await client.GetAsync(new Uri("/saml/login?idp=https%3A%2F%2Fevil.example%2Fidp", UriKind.Relative));
        Assert.Equal($"/signin/failed?reason={SamlReasons.IdpUnknown}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_sp_metadata_publishes_entity_acs_keys_and_encryption_methods()
    {
        using var client = portal.CreateBrowserClient();
        using var response = await client.GetAsync(new Uri("/saml/metadata", UriKind.Relative));
        Assert.Equal("application/samlmetadata+xml", response.Content.Headers.ContentType?.MediaType);
        var xml = await response.Content.ReadAsStringAsync();
        Assert.Contains("entityID=\"https://portal.example.org/saml/metadata\"", xml, StringComparison.Ordinal);
        Assert.Contains("Location=\"https://portal.example.org/saml/acs\"", xml, StringComparison.Ordinal);
        Assert.Contains("http://www.w3.org/2009/xmlenc11#aes256-gcm", xml, StringComparison.Ordinal);
        Assert.Contains(Convert.ToBase64String(TestKeys.SpEncryption.RawData), xml, StringComparison.Ordinal);
    }
}

/// <summary>The pending request expires: a response to a 16-minute-old request is refused.</summary>
public sealed class SamlPendingExpiryTests(CorpusPortalFactory portal) : IClassFixture<CorpusPortalFactory>
{
    [Fact]
    public async Task A_response_to_a_stale_request_is_refused()
    {
        using var client = portal.CreateBrowserClient();
        var (requestId, relayState, _) = await DemoSession.StartAsync(client, ResponseScenario.IdpEntityId);
        portal.Clock.Advance(TimeSpan.FromMinutes(16));
        var at = portal.Clock.GetUtcNow();
        var scenario = new ResponseScenario
        {
            InResponseTo = requestId,
            RelayState = relayState,
            Instant = at,
            NotBefore = at.AddSeconds(-30),
            NotOnOrAfter = at.AddMinutes(5),
            ConfirmationNotOnOrAfter = at.AddMinutes(5),
        };
        using var response = await DemoSession.PostAsync(client, scenario.Build(), relayState);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        // The row outlives its lifetime only until the store purges it; either way the answer is a refusal.
        Assert.StartsWith("/signin/failed?reason=saml.", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }
}
