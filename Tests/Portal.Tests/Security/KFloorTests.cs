using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>
/// Issue #18, I: a steward could set k to 1. The owner's k is now a floor: stewards may raise the default k and the
/// profile's k, only the owner may lower them.
/// </summary>
public sealed class KFloorTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private static readonly Uri Conditions = new($"/api/datasets/{DemoSeed.PatientsDataset}/conditions", UriKind.Relative);

    private async Task<HttpClient> SignedInAsync(Guid user)
    {
        await portal.PolicyLoadedAsync();
        var client = portal.CreateBrowserClient();
        await DemoSession.SignInAsync(client, user);
        return client;
    }

    private static string ProfileWithK(int k)
    {
        var profile = JsonNode.Parse(DemoSeed.DemoProfile())!.AsObject();
        profile["k"] = k;
        return profile.ToJsonString();
    }

    [Fact]
    public async Task A_steward_may_raise_k_but_not_lower_it_and_the_owner_may()
    {
        using var carol = await SignedInAsync(DemoSeed.Carol);
        using (var lower = await carol.PutAsJsonAsync(Conditions, new { defaultK = 1 }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, lower.StatusCode);
            Assert.Equal("dataset.owner_only", await ProblemCode.OfAsync(lower));
        }
        using (var lowerProfile = await carol.PutAsJsonAsync(Conditions, new { anonymizationProfile = ProfileWithK(1) }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, lowerProfile.StatusCode);
            Assert.Equal("dataset.owner_only", await ProblemCode.OfAsync(lowerProfile));
        }
        await using (var db = portal.CreateDb())
        {
            var d = await db.Datasets.SingleAsync(x => x.Id == DemoSeed.PatientsDataset);
            Assert.Equal(5, d.DefaultK);
            Assert.Equal(5, JsonNode.Parse(d.AnonymizationProfile!)!["k"]!.GetValue<int>());
        }
        using (var raise = await carol.PutAsJsonAsync(Conditions, new { defaultK = 7, anonymizationProfile = ProfileWithK(7) }))
        {
            Assert.Equal(HttpStatusCode.OK, raise.StatusCode);
        }

        using var alice = await SignedInAsync(DemoSeed.Alice);
        using (var ownerLowers = await alice.PutAsJsonAsync(Conditions, new { defaultK = 2, anonymizationProfile = ProfileWithK(2) }))
        {
            Assert.Equal(HttpStatusCode.OK, ownerLowers.StatusCode);
        }
        await using var after = portal.CreateDb();
        Assert.Equal(2, (await after.Datasets.SingleAsync(x => x.Id == DemoSeed.PatientsDataset)).DefaultK);
    }
}
