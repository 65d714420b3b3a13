using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Kernel.Access;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>
/// Issue #18, L4: a purpose is one DUO code by name. Numbers ("3" was DS), comma lists, signs and duplicates used to be
/// accepted by Enum.TryParse and stored or audited as something nobody wrote.
/// </summary>
public sealed class PurposeParsingTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    [Theory]
    [InlineData("3:HIV")]
    [InlineData("2")]
    [InlineData("+3:HIV")]
    [InlineData("-1")]
    [InlineData("GRU,HMB")]
    [InlineData("GRU,HMB:HIV")]
    [InlineData("DS:HIV,GRU")]
    [InlineData("None")]
    [InlineData("DS, HMB")]
    [InlineData("DS:HI\u0007V")]
    [InlineData("DS:\u202EVIH")]
    public void Anything_but_one_named_code_is_refused(string text) =>
        Assert.False(PurposeCodes.TryParseDeclared(text, false, null, out _, out _), text);

    [Theory]
    [InlineData("DS:HIV", "DS", "HIV")]
    [InlineData(" hmb ", "HMB", null)]
    [InlineData("MDS:MONDO:0005109", "MDS", "MONDO:0005109")]
    public void Named_codes_still_parse(string text, string code, string? disease)
    {
        Assert.True(PurposeCodes.TryParseDeclared(text, false, null, out var declared, out var error), error);
        Assert.Equal(code, declared.Code.ToString());
        Assert.Equal(disease, declared.Disease);
    }

    [Theory]
    [InlineData("3:HIV")]
    [InlineData("GRU,HMB:HIV")]
    [InlineData("%2B3:HIV")]
    public async Task An_export_for_a_numeric_or_listed_purpose_is_refused(string purpose)
    {
        await portal.PolicyLoadedAsync();
        using var bob = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(bob, DemoSeed.Bob);
        using var response = await bob.GetAsync(new Uri($"/api/datasets/{DemoSeed.PatientsDataset}/export?purpose={purpose}&ethics=IRB-1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("export.purpose.invalid", await ProblemCode.OfAsync(response));
    }

    [Theory]
    [InlineData("access.purpose.invalid", "2")]
    [InlineData("access.grant.duplicate_purpose", "DS:HIV", "DS:HIV")]
    [InlineData("access.grant.duplicate_purpose", "DS:HIV", "DS:hiv")]
    public async Task A_grant_with_a_numeric_or_repeated_purpose_is_refused(string code, params string[] purposes)
    {
        await portal.PolicyLoadedAsync();
        using var alice = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(alice, DemoSeed.Alice);
        await using var before = portal.CreateDb();
        var grants = await before.Grants.CountAsync();

        using var response = await alice.PostAsJsonAsync("/api/grants",
            new { datasetId = DemoSeed.PatientsDataset, granteeKind = "person", userId = DemoSeed.Dave, purposes });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, await ProblemCode.OfAsync(response));
        await using var after = portal.CreateDb();
        Assert.Equal(grants, await after.Grants.CountAsync());
    }
}
