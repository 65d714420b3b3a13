using System.Xml;
using Portal.Features.SignIn.Saml;

namespace Portal.Tests.SignIn.Saml;

/// <summary>The accepting side of each check: the valid message and its legitimate variants pass.</summary>
public class ValidResponseTests
{
    private static async Task<SamlIdentity> AcceptedIdentity(ResponseScenario scenario)
    {
        var result = await scenario.ValidateAsync();
        Assert.True(result.Succeeded, $"{result.Failure?.Code}: {result.Failure?.Detail}");
        return result.Identity!;
    }

    [Fact]
    public async Task Valid_signed_assertion_is_accepted_and_mapped()
    {
        var scenario = new ResponseScenario();
        var result = await scenario.ValidateAsync();

        Assert.True(result.Succeeded, result.Failure?.Detail);
        var identity = result.Identity!;
        Assert.Equal(ResponseScenario.IdpEntityId, identity.IdpEntityId);
        Assert.Equal("alice-4711@hospital.example.org", identity.UserId);
        Assert.Equal("subject-id", identity.UserIdSource);
        Assert.Equal("Alice Owner", identity.DisplayName);
        Assert.Equal("alice@hospital.example.org", identity.Mail);
        Assert.Equal("alice@hospital.example.org", identity.EduPersonPrincipalName);
        Assert.Equal("hospital.example.org", identity.HomeOrganization);
        Assert.Equal(["staff@hospital.example.org", "member@hospital.example.org"], identity.ScopedAffiliations);
        Assert.Equal(["urn:mace:example.org:portal:data-owner"], identity.Entitlements);
        Assert.Equal("3f7b1c2a-persistent-alice", identity.NameId?.Value);
        Assert.Equal("_s1e2s3s4i5o6n7", identity.SessionIndex);
        Assert.Equal(ResponseScenario.Now.AddHours(8), identity.SessionNotOnOrAfter);
        Assert.Empty(identity.DroppedValues);
        Assert.Equal("/datasets/42", result.ReturnPath);
        Assert.Equal(ResponseScenario.AssertionId, result.AssertionId);
        Assert.False(result.WasEncrypted);
    }

    [Fact]
    public async Task Response_signed_only_is_accepted()
    {
        var scenario = new ResponseScenario { SignAssertion = false, SignResponse = true };
        Assert.Equal("alice-4711@hospital.example.org", (await AcceptedIdentity(scenario)).UserId);
    }

    [Fact]
    public async Task Response_and_assertion_both_signed_is_accepted()
    {
        var scenario = new ResponseScenario { SignResponse = true };
        await AcceptedIdentity(scenario);
    }

    [Fact]
    public async Task Signature_without_embedded_certificate_is_accepted()
    {
        await AcceptedIdentity(new ResponseScenario { EmbeddedCertificate = null });
    }

    [Fact]
    public async Task SHA1_is_accepted_only_when_the_IdP_is_configured_for_it()
    {
        var scenario = new ResponseScenario
        {
            SignatureMethod = SamlNames.RsaSha1,
            DigestMethod = SamlNames.Sha1,
            IdpAllowsSha1 = true,
        };
        await AcceptedIdentity(scenario);
    }

    [Theory]
    [InlineData(SamlNames.RsaSha384, SamlNames.Sha384)]
    [InlineData(SamlNames.RsaSha512, SamlNames.Sha512)]
    public async Task Stronger_RSA_algorithms_are_accepted(string method, string digest)
    {
        await AcceptedIdentity(new ResponseScenario { SignatureMethod = method, DigestMethod = digest });
    }

    [Fact]
    public async Task Comments_between_elements_do_not_matter()
    {
        var scenario = new ResponseScenario();
        scenario.Tamper.Add(d => ResponseScenario.Find(d, "Subject").PrependChild(d.CreateComment(" between elements ")));
        await AcceptedIdentity(scenario);
    }

    [Fact]
    public async Task NameID_is_read_in_full_never_truncated()
    {
        // A persistent NameID is the identifier only when no attribute offers one; make it the one that counts.
        var scenario = new ResponseScenario { NameId = "alice@hospital.example.org.evil.example.com" };
        scenario.Attributes.RemoveAll(a => a.Name is AttributeMapper.SubjectId or AttributeMapper.EduPersonPrincipalName);
        var identity = await AcceptedIdentity(scenario);
        Assert.Equal("persistent-nameid", identity.UserIdSource);
        Assert.Equal("alice@hospital.example.org.evil.example.com", identity.UserId);
    }

    [Fact]
    public async Task CDATA_value_is_read_in_full()
    {
        var scenario = new ResponseScenario();
        scenario.BeforeSigning.Add(d =>
        {
            var name = d.GetElementsByTagName("AttributeValue", SamlNames.Assertion).OfType<XmlElement>()
                .Single(v => v.InnerText == "Alice Owner");
            name.InnerText = "";
            name.AppendChild(d.CreateTextNode("Alice "));
            name.AppendChild(d.CreateCDataSection("O'Wner"));
        });
        Assert.Equal("Alice O'Wner", (await AcceptedIdentity(scenario)).DisplayName);
    }

    [Fact]
    public async Task Unsolicited_response_is_accepted_when_allowed_with_a_local_RelayState()
    {
        var scenario = new ResponseScenario { AllowIdpInitiated = true, RelayState = "/vo/7/members" }.Unsolicited();
        var result = await scenario.ValidateAsync();
        Assert.True(result.Succeeded, result.Failure?.Detail);
        Assert.Equal("/vo/7/members", result.ReturnPath);
    }

    [Fact]
    public async Task Additional_audience_next_to_this_SP_is_accepted()
    {
        var scenario = new ResponseScenario();
        scenario.BeforeSigning.Add(d =>
        {
            var restriction = ResponseScenario.Find(d, "AudienceRestriction");
            var other = d.CreateElement("saml", "Audience", SamlNames.Assertion);
            other.InnerText = "https://another-sp.example.org";
            restriction.PrependChild(other);
        });
        await AcceptedIdentity(scenario);
    }

    [Fact]
    public async Task Same_response_is_accepted_once_then_refused_as_replay()
    {
        var scenario = new ResponseScenario();
        var validator = scenario.CreateValidator();
        var posted = scenario.Build();

        var first = await validator.ValidateAsync(posted, scenario.RelayState, scenario.Pending);
        var second = await validator.ValidateAsync(posted, scenario.RelayState, scenario.Pending);

        Assert.True(first.Succeeded);
        Assert.Equal(SamlReasons.Replay, second.Failure?.Code);
    }

    [Fact]
    public async Task Rejected_response_does_not_fill_the_replay_cache()
    {
        var scenario = new ResponseScenario { Audience = "https://other.example.org" };
        var cache = new InMemorySamlReplayCache(scenario.Clock);
        var result = await scenario.CreateValidator(cache).ValidateAsync(scenario.Build(), scenario.RelayState, scenario.Pending);
        Assert.Equal(SamlReasons.Audience, result.Failure?.Code);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task Replay_cache_remembers_until_the_assertion_expires_plus_skew()
    {
        var scenario = new ResponseScenario();
        var cache = new RecordingReplayCache();
        await scenario.CreateValidator(cache).ValidateAsync(scenario.Build(), scenario.RelayState, scenario.Pending);
        var entry = Assert.Single(cache.Calls);
        Assert.Equal((ResponseScenario.AssertionId, ResponseScenario.IdpEntityId, ResponseScenario.Now.AddMinutes(7)), entry);
    }

    [Fact]
    public async Task Size_cap_is_inclusive()
    {
        var scenario = new ResponseScenario();
        var posted = scenario.Build();
        var options = scenario.SpOptions() with { MaxResponseLength = posted.Length };
        var validator = new SamlResponseValidator(options, scenario.Directory(), new InMemorySamlReplayCache(scenario.Clock), scenario.Clock);
        Assert.True((await validator.ValidateAsync(posted, scenario.RelayState, scenario.Pending)).Succeeded);
        var smaller = options with { MaxResponseLength = posted.Length - 1 };
        validator = new SamlResponseValidator(smaller, scenario.Directory(), new InMemorySamlReplayCache(scenario.Clock), scenario.Clock);
        Assert.Equal(SamlReasons.Size, (await validator.ValidateAsync(posted, scenario.RelayState, scenario.Pending)).Failure?.Code);
    }

    [Fact]
    public async Task Missing_or_non_base64_input_is_an_encoding_failure()
    {
        var validator = new ResponseScenario().CreateValidator();
        Assert.Equal(SamlReasons.Encoding, (await validator.ValidateAsync(null, null, null)).Failure?.Code);
        Assert.Equal(SamlReasons.Encoding, (await validator.ValidateAsync("%%%not base64", null, null)).Failure?.Code);
    }

    private sealed class RecordingReplayCache : ISamlReplayCache
    {
        public List<(string, string, DateTimeOffset)> Calls { get; } = [];

        public Task<bool> TryRemember(string assertionId, string issuer, DateTimeOffset notOnOrAfter, CancellationToken cancellationToken)
        {
            Calls.Add((assertionId, issuer, notOnOrAfter));
            return Task.FromResult(true);
        }
    }
}
