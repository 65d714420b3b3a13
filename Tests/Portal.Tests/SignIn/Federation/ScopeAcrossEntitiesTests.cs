using Portal.Features.SignIn.Saml;
using Portal.Tests.SignIn.Saml;

namespace Portal.Tests.SignIn.Federation;

/// <summary>
/// In an aggregate every entity brings its own scopes. A scope belongs to the entity that declares it: the hospital
/// cannot assert users of the university even though both come from the same signed aggregate.
/// </summary>
public sealed class ScopeAcrossEntitiesTests
{
    private static IdentityProviderDirectory AggregateDirectory(ResponseScenario scenario)
    {
        var aggregate = new TestAggregate { ValidUntil = scenario.Clock.GetUtcNow().AddDays(14) };
        aggregate.Entities.Add(new TestEntity(ResponseScenario.IdpEntityId, "Example Hospital", "hospital.example.org", TestKeys.IdpSigning));
        aggregate.Entities.Add(new TestEntity(ResponseScenario.OtherIdpEntityId, "Example University", "university.example.edu", TestKeys.OtherIdpSigning));
        var verified = AggregateVerifier.Verify("test", aggregate.SignedBytes(), TestAggregate.FederationKey, scenario.Clock.GetUtcNow());
        return new IdentityProviderDirectory(verified.Providers);
    }

    private static Task<SamlValidationResult> ValidateAsync(ResponseScenario scenario) =>
        new SamlResponseValidator(scenario.SpOptions(), AggregateDirectory(scenario), new InMemorySamlReplayCache(scenario.Clock), scenario.Clock)
            .ValidateAsync(scenario.Build(), scenario.RelayState, scenario.Pending);

    [Fact]
    public async Task The_hospitals_own_scope_is_kept()
    {
        var result = await ValidateAsync(new ResponseScenario());
        Assert.True(result.Succeeded, result.Failure?.Code);
        Assert.Equal("alice@hospital.example.org", result.Identity!.EduPersonPrincipalName);
        Assert.Equal("hospital.example.org", result.Identity.HomeOrganization);
        Assert.Empty(result.Identity.DroppedValues);
    }

    [Fact]
    public async Task A_scope_declared_only_by_another_entity_of_the_aggregate_is_dropped()
    {
        var scenario = new ResponseScenario();
        scenario.Attributes.Clear();
        scenario.Attributes.AddRange(
        [
            (AttributeMapper.SubjectId, ["alice-4711@hospital.example.org"]),
            (AttributeMapper.EduPersonPrincipalName, ["mallory@university.example.edu"]),
            (AttributeMapper.SchacHomeOrganization, ["university.example.edu"]),
            (AttributeMapper.EduPersonScopedAffiliation, ["faculty@university.example.edu", "staff@hospital.example.org"]),
        ]);
        var result = await ValidateAsync(scenario);

        Assert.True(result.Succeeded, result.Failure?.Code);
        var identity = result.Identity!;
        Assert.Equal(ResponseScenario.IdpEntityId, identity.IdpEntityId);
        Assert.Null(identity.EduPersonPrincipalName);
        Assert.Null(identity.HomeOrganization);
        Assert.Equal(["staff@hospital.example.org"], identity.ScopedAffiliations);
        Assert.Contains(identity.DroppedValues, v => v.Contains("mallory@university.example.edu", StringComparison.Ordinal));
        Assert.Contains(identity.DroppedValues, v => v.Contains("faculty@university.example.edu", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_user_identifier_scoped_to_another_entity_is_no_identifier()
    {
        var scenario = new ResponseScenario();
        scenario.Attributes.Clear();
        scenario.Attributes.Add((AttributeMapper.SubjectId, ["bob-1@university.example.edu"]));
        scenario.Attributes.Add((AttributeMapper.EduPersonPrincipalName, ["bob@university.example.edu"]));
        scenario.NameIdFormat = SamlNames.TransientNameId;
        var result = await ValidateAsync(scenario);
        Assert.Equal(SamlReasons.IdentifierMissing, result.Failure?.Code);
    }
}
