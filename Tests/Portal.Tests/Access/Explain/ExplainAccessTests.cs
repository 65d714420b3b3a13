using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Access.Explain;

public sealed class ExplainTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private async Task<HttpClient> SignedInAsync(Guid user)
    {
        await portal.PolicyLoadedAsync();
        var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, user);
        return client;
    }

    private static Uri Explain(Guid dataset, string query) => new($"/api/datasets/{dataset}/access/explain?{query}", UriKind.Relative);

    [Fact]
    public async Task A_researcher_with_a_grant_for_hiv_research_is_permitted_with_the_grants_obligations()
    {
        using var bob = await SignedInAsync(DemoSeed.Bob);
        var body = await bob.GetFromJsonAsync<JsonElement>(Explain(DemoSeed.PatientsDataset, "purpose=DS:HIV&ethics=UNI-IRB-2026-117"));

        Assert.Equal("Permit", body.GetProperty("decision").GetString());
        Assert.Empty(body.GetProperty("reasons").EnumerateArray());
        var o = body.GetProperty("obligations");
        Assert.Equal(DemoSeed.BobPatientsGrant, o.GetProperty("grantId").GetGuid());
        Assert.Equal(5, o.GetProperty("k").GetInt32());
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), o.GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Without_ethics_approval_the_irb_condition_denies_with_its_reason()
    {
        using var bob = await SignedInAsync(DemoSeed.Bob);
        var body = await bob.GetFromJsonAsync<JsonElement>(Explain(DemoSeed.PatientsDataset, "purpose=DS:HIV"));
        Assert.Equal("Deny", body.GetProperty("decision").GetString());
        Assert.Contains(body.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("code").GetString() == "duo.irb_requires_ethics_approval");
    }

    [Theory]
    [InlineData("purpose=HMB&ethics=X", "duo.ds_requires_disease_research")]
    [InlineData("purpose=DS:HIV&ethics=X&commercial=true", "duo.ncu_forbids_commercial")]
    public async Task A_purpose_the_dataset_does_not_allow_is_denied_with_the_reason(string query, string reason)
    {
        using var bob = await SignedInAsync(DemoSeed.Bob);
        var body = await bob.GetFromJsonAsync<JsonElement>(Explain(DemoSeed.PatientsDataset, query));
        Assert.Equal("Deny", body.GetProperty("decision").GetString());
        Assert.Contains(body.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("code").GetString() == reason);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("obligations").ValueKind);
    }

    [Fact]
    public async Task A_dataset_without_a_grant_is_denied_as_grant_none()
    {
        using var bob = await SignedInAsync(DemoSeed.Bob);
        var body = await bob.GetFromJsonAsync<JsonElement>(Explain(DemoSeed.AdmissionsDataset, "purpose=HMB"));
        Assert.Equal("Deny", body.GetProperty("decision").GetString());
        Assert.Contains(body.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("code").GetString() == "grant.none");
    }

    [Fact]
    public async Task The_owner_may_manage_and_a_researcher_may_not()
    {
        using var alice = await SignedInAsync(DemoSeed.Alice);
        var owner = await alice.GetFromJsonAsync<JsonElement>(Explain(DemoSeed.PatientsDataset, "action=manage"));
        Assert.Equal("Permit", owner.GetProperty("decision").GetString());

        using var bob = await SignedInAsync(DemoSeed.Bob);
        var researcher = await bob.GetFromJsonAsync<JsonElement>(Explain(DemoSeed.PatientsDataset, "action=manage"));
        Assert.Equal("Deny", researcher.GetProperty("decision").GetString());
        Assert.Contains(researcher.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("code").GetString() == "dataset.not_owner_or_steward");
    }

    [Theory]
    [InlineData("purpose=", "purpose", "access.purpose.invalid")]
    [InlineData("purpose=XYZ", "purpose", "access.purpose.invalid")]
    [InlineData("purpose=HMB:HIV", "purpose", "access.purpose.invalid")]
    [InlineData("purpose=HMB&action=delete", "action", "access.explain.unknown_action")]
    public async Task Bad_input_is_a_problem_with_its_code_naming_the_field(string query, string field, string code)
    {
        using var bob = await SignedInAsync(DemoSeed.Bob);
        using var response = await bob.GetAsync(Explain(DemoSeed.PatientsDataset, query));
        await AccessProblem.AssertAsync(response, HttpStatusCode.BadRequest, code, field);
    }

    [Fact]
    public async Task Anonymous_callers_get_401()
    {
        using var client = portal.CreateBrowserClient();
        using var response = await client.GetAsync(Explain(DemoSeed.PatientsDataset, "purpose=HMB"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
