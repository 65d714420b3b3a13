using Portal.Features.SignIn.Saml;

namespace Portal.Tests.SignIn.Saml;

/// <summary>The Shibboleth SP's scope rules, as a table, against an IdP that owns hospital.example.org.</summary>
public class ScopeRuleTests
{
    private static readonly IdentityProvider Hospital = new()
    {
        EntityId = ResponseScenario.IdpEntityId,
        SigningCertificates = [],
        Scopes = [new("hospital.example.org", false), new(@"^[a-z]+\.clinic\.example\.org$", true)],
    };

    [Theory]
    [InlineData("alice@hospital.example.org", true)]
    [InlineData("alice@HOSPITAL.example.org", true)]
    [InlineData("alice@cardio.clinic.example.org", true)]
    [InlineData("alice@university.example.edu", false)]
    [InlineData("alice@sub.hospital.example.org", false)]
    [InlineData("alice@evilhospital.example.org", false)]
    [InlineData("alice@hospital.example.org.evil.com", false)]
    [InlineData("alice", false)]
    [InlineData("@hospital.example.org", false)]
    [InlineData("alice@", false)]
    [InlineData("alice@evil.com@hospital.example.org", false)]
    [InlineData("alice@hospital.example.org@evil.com", false)]
    [InlineData("alice@x.cardio.clinic.example.org", false)]
    [InlineData("alice@cardio.clinic.example.org\n", false)]
    public void Scoped_value(string value, bool accepted) =>
        Assert.Equal(accepted, AttributeMapper.HasAcceptedScope(Hospital, value));

    [Theory]
    [InlineData("hospital.example.org", true)]
    [InlineData("cardio.clinic.example.org", true)]
    [InlineData("university.example.edu", false)]
    [InlineData("example.org", false)]
    public void Home_organization_must_be_a_scope(string value, bool accepted)
    {
        var identity = AttributeMapper.Map(Hospital, null,
        [
            new(AttributeMapper.EduPersonPrincipalName, null, null, ["alice@hospital.example.org"]),
            new("schacHomeOrganization", null, null, [value]),
        ]);
        Assert.Equal(accepted ? value : null, identity.HomeOrganization);
        Assert.Equal(!accepted, identity.DroppedValues.Any(d => d.EndsWith(value, StringComparison.Ordinal)));
    }

    public static TheoryData<string, string[], string?, string?> Identifiers() => new()
    {
        { "pairwise-id wins", ["pairwise-id=pw1@hospital.example.org", "subject-id=s1@hospital.example.org", "eduPersonPrincipalName=e@hospital.example.org"], "pw1@hospital.example.org", "pairwise-id" },
        { "subject-id next", ["subject-id=s1@hospital.example.org", "eduPersonPrincipalName=e@hospital.example.org"], "s1@hospital.example.org", "subject-id" },
        { "eppn next", ["eduPersonPrincipalName=e@hospital.example.org"], "e@hospital.example.org", "eduPersonPrincipalName" },
        { "persistent NameID last", [], "persistent-xyz", "persistent-nameid" },
        { "out-of-scope pairwise-id skipped", ["pairwise-id=pw1@university.example.edu", "eduPersonPrincipalName=e@hospital.example.org"], "e@hospital.example.org", "eduPersonPrincipalName" },
        { "urn:oid eppn", [$"{AttributeMapper.EduPersonPrincipalName}=o@hospital.example.org"], "o@hospital.example.org", "eduPersonPrincipalName" },
    };

    [Theory]
    [MemberData(nameof(Identifiers))]
    public void User_key_preference(string name, string[] released, string? expectedId, string? expectedSource)
    {
        Assert.NotNull(name);
        var attributes = released.Select(r => r.Split('=', 2)).Select(p => new AttributeRelease(p[0], null, null, [p[1]])).ToList();
        var identity = AttributeMapper.Map(Hospital, new SamlNameId("persistent-xyz", SamlNames.PersistentNameId, null, null), attributes);
        Assert.Equal((expectedId, expectedSource), (identity.UserId, identity.UserIdSource));
    }

    [Fact]
    public void Transient_NameID_alone_is_no_identifier()
    {
        var failure = Assert.ThrowsAny<Exception>(() =>
            AttributeMapper.Map(Hospital, new SamlNameId("_t1", SamlNames.TransientNameId, null, null), []));
        Assert.Contains(SamlReasons.IdentifierMissing, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Friendly_and_oid_names_both_map()
    {
        var identity = AttributeMapper.Map(Hospital, null,
        [
            new("eduPersonPrincipalName", null, null, ["alice@hospital.example.org"]),
            new("displayName", null, null, ["Alice"]),
            new(AttributeMapper.Mail, null, null, ["alice@hospital.example.org"]),
            new("eduPersonScopedAffiliation", null, null, ["staff@hospital.example.org", "student@university.example.edu", "member"]),
            new(AttributeMapper.EduPersonEntitlement, null, null, ["urn:x:a", "urn:x:a", "urn:x:b"]),
        ]);
        Assert.Equal("Alice", identity.DisplayName);
        Assert.Equal("alice@hospital.example.org", identity.Mail);
        Assert.Equal(["staff@hospital.example.org"], identity.ScopedAffiliations);
        Assert.Equal(["urn:x:a", "urn:x:b"], identity.Entitlements);
        Assert.Equal(2, identity.DroppedValues.Count);
    }

    [Fact]
    public void FriendlyName_attribute_alone_is_not_trusted_as_a_name()
    {
        // Only Name identifies an attribute; FriendlyName is a label anyone could put on anything.
        var identity = AttributeMapper.Map(Hospital, new SamlNameId("p", SamlNames.PersistentNameId, null, null),
            [new("urn:x:whatever", SamlNames.UriNameFormat, "eduPersonPrincipalName", ["alice@hospital.example.org"])]);
        Assert.Equal("persistent-nameid", identity.UserIdSource);
    }

    [Fact]
    public async Task Response_from_hospital_cannot_assert_university_users()
    {
        var scenario = new ResponseScenario();
        scenario.Attributes.Clear();
        scenario.Attributes.Add((AttributeMapper.EduPersonPrincipalName, ["bob@university.example.edu"]));
        scenario.Attributes.Add((AttributeMapper.SchacHomeOrganization, ["university.example.edu"]));
        var result = await scenario.ValidateAsync();
        Assert.True(result.Succeeded);
        Assert.Equal("persistent-nameid", result.Identity!.UserIdSource);
        Assert.Null(result.Identity.EduPersonPrincipalName);
        Assert.Null(result.Identity.HomeOrganization);
        Assert.Equal(2, result.Identity.DroppedValues.Count);
    }
}
