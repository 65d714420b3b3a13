using System.Net;
using System.Net.Http.Json;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Access.Requests;

/// <summary>Bad requests are refused with problem details carrying their code and naming the field, and nothing changes: no request, audit row or notification.</summary>
public sealed class SubmitRequestTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    public static TheoryData<string, string, string, string> Cases => new()
    {
        { "until before from", "until", "until:-1", "access.period.until_in_past" },
        { "from in the past", "from", "from:-2", "access.period.from_in_past" },
        { "until in the past", "until", "until:-3", "access.period.until_in_past" },
        { "period over five years", "until", "until:2000", "access.period.too_long" },
        { "a short period years ahead", "until", "far:1500", "access.period.too_long" },
        { "no until", "until", "until:null", "access.period.until_required" },
        { "unknown DUO code", "purpose", "purpose:XYZ", "access.purpose.invalid" },
        { "DS without disease", "purpose", "purpose:DS", "access.purpose.disease_missing" },
        { "purpose that does not fit the dataset", "purpose", "purpose:HMB", "duo.ds_requires_disease_research" },
        { "overlong description", "description", "description:4001", "access.text.too_long" },
        { "no description", "description", "description:0", "access.request.description_required" },
        { "overlong ethics reference", "ethicsReference", "ethicsReference:201", "access.text.too_long" },
        { "no ethics reference on an IRB dataset", "ethicsReference", "ethicsReference:0", "access.request.ethics_required" },
        { "terms not accepted", "acceptTerms", "acceptTerms:false", "access.request.terms_not_accepted" },
        { "stale terms version", "termsVersion", "termsVersion:1", "access.request.terms_outdated" },
        { "unknown column", "columns", "columns:ssn", "access.columns.unknown" },
        { "other VO", "voId", "voId:random", "access.request.vo_not_listing" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_refused_with_its_code_naming_the_field_and_changes_nothing(string _, string field, string change, string code)
    {
        var dataset = await AccessWorld.DatasetAsync(portal);
        using var bob = await AccessWorld.AsAsync(portal, DemoSeed.Bob);
        var now = portal.Clock.GetUtcNow();
        var body = AccessWorld.Request(dataset, now);
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

        var before = await AccessWorld.SnapshotAsync(portal);
        using var response = await bob.PostAsJsonAsync("/api/access-requests", body);
        await AccessProblem.AssertAsync(response, HttpStatusCode.BadRequest, code, field);
        Assert.Equal(before, await AccessWorld.SnapshotAsync(portal));
    }

    [Fact]
    public async Task A_second_pending_request_for_the_same_dataset_is_a_conflict()
    {
        var dataset = await AccessWorld.DatasetAsync(portal);
        using var bob = await AccessWorld.AsAsync(portal, DemoSeed.Bob);
        await AccessWorld.CreatedRequestAsync(bob, AccessWorld.Request(dataset, portal.Clock.GetUtcNow()));
        var before = await AccessWorld.SnapshotAsync(portal);
        using var response = await bob.PostAsJsonAsync("/api/access-requests", AccessWorld.Request(dataset, portal.Clock.GetUtcNow(), days: 60));
        await AccessProblem.AssertAsync(response, HttpStatusCode.Conflict, "access.request.duplicate_pending", "datasetId");
        Assert.Equal(before, await AccessWorld.SnapshotAsync(portal));
    }

    [Fact]
    public async Task Anonymous_callers_get_401()
    {
        using var client = portal.CreateBrowserClient();
        using var response = await client.PostAsJsonAsync("/api/access-requests", AccessWorld.Request(DemoSeed.PatientsDataset, portal.Clock.GetUtcNow()));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
