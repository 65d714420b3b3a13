using System.Net;
using System.Net.Http.Json;
using Portal.Features.Demo;
using Portal.Tests.Grants;
using Portal.Tests.Infrastructure;
using Portal.Tests.VirtualOrganizations;

namespace Portal.Tests.AccessRequests;

/// <summary>Bad requests are refused with problem details naming the field, and nothing changes: no request, audit row or notification.</summary>
public sealed class AccessRequestBadInputTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { "until before from", "until", "until:-1" },
        { "from in the past", "from", "from:-2" },
        { "until in the past", "until", "until:-3" },
        { "period over five years", "until", "until:2000" },
        { "a short period years ahead", "until", "far:1500" },
        { "no until", "until", "until:null" },
        { "unknown DUO code", "purpose", "purpose:XYZ" },
        { "DS without disease", "purpose", "purpose:DS" },
        { "purpose that does not fit the dataset", "purpose", "purpose:HMB" },
        { "overlong description", "description", "description:4001" },
        { "no description", "description", "description:0" },
        { "overlong ethics reference", "ethicsReference", "ethicsReference:201" },
        { "no ethics reference on an IRB dataset", "ethicsReference", "ethicsReference:0" },
        { "terms not accepted", "acceptTerms", "acceptTerms:false" },
        { "stale terms version", "termsVersion", "termsVersion:1" },
        { "unknown column", "columns", "columns:ssn" },
        { "other VO", "voId", "voId:random" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_a_problem_naming_the_field_and_changes_nothing(string _, string field, string change)
    {
        var dataset = await GrantWorld.DatasetAsync(portal);
        using var bob = await GrantWorld.AsAsync(portal, DemoSeed.Bob);
        var now = portal.Clock.GetUtcNow();
        var body = GrantWorld.Request(dataset, now);
        var (key, value) = (change.Split(':')[0], change.Split(':')[1]);
        if (key == "far")
        {
            body["from"] = now.AddDays(1500);
            key = "until";
            value = "1900";
        }
        body[key] = key switch
        {
            "until" when value == "null" => null,
            "until" => now.AddDays(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)),
            "from" => now.AddDays(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)),
            "description" or "ethicsReference" => new string('x', int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)),
            "acceptTerms" => false,
            "termsVersion" => 1,
            "columns" => new[] { "sex", value },
            "voId" => Guid.NewGuid(),
            _ => value,
        };

        var before = await GrantWorld.SnapshotAsync(portal);
        using var response = await bob.PostAsJsonAsync("/api/access-requests", body);
        await ApiProblem.AssertAsync(response, HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await GrantWorld.SnapshotAsync(portal));
    }

    [Fact]
    public async Task A_second_pending_request_for_the_same_dataset_is_a_conflict()
    {
        var dataset = await GrantWorld.DatasetAsync(portal);
        using var bob = await GrantWorld.AsAsync(portal, DemoSeed.Bob);
        await GrantWorld.CreatedRequestAsync(bob, GrantWorld.Request(dataset, portal.Clock.GetUtcNow()));
        var before = await GrantWorld.SnapshotAsync(portal);
        using var response = await bob.PostAsJsonAsync("/api/access-requests", GrantWorld.Request(dataset, portal.Clock.GetUtcNow(), days: 60));
        await ApiProblem.AssertAsync(response, HttpStatusCode.Conflict, "datasetId");
        Assert.Equal(before, await GrantWorld.SnapshotAsync(portal));
    }

    [Fact]
    public async Task Anonymous_callers_get_401()
    {
        using var client = portal.CreateBrowserClient();
        using var response = await client.PostAsJsonAsync("/api/access-requests", GrantWorld.Request(DemoSeed.PatientsDataset, portal.Clock.GetUtcNow()));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
