using System.Net;
using System.Net.Http.Json;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.VirtualOrganizations.Organizations;

/// <summary>Bad input to POST /api/vos: each a problem naming the field and its code, and nothing changed.</summary>
public sealed class CreateVoTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    public static TheoryData<string, object, int, string, string> CreateCases() => new()
    {
        { "empty name", new { name = "  " }, 400, "name", "vo.organization.name_required" },
        { "name of 201 characters", new { name = new string('n', 201) }, 400, "name", "vo.input.too_long" },
        { "description of 4001 characters", new { name = "Fine name", description = new string('d', 4001) }, 400, "description", "vo.input.too_long" },
        { "unknown join policy", new { name = "Fine name", joinPolicy = "everyone" }, 400, "joinPolicy", "vo.organization.join_policy_invalid" },
        { "zero membership days", new { name = "Fine name", defaultMembershipDays = 0 }, 400, "defaultMembershipDays", "vo.organization.membership_days_out_of_range" },
        { "duplicate name, other case", new { name = "hiv cohort COLLABORATION" }, 409, "name", "vo.organization.name_taken" },
    };

    [Theory]
    [MemberData(nameof(CreateCases))]
    public async Task Creating_a_vo_with_bad_input_is_refused_and_changes_nothing(string why, object body, int status, string field, string code)
    {
        Assert.NotNull(why);
        using var carol = await VoRefusals.SignedInAsync(portal, DemoSeed.Carol);
        await VoRefusals.AssertRefusedAsync(portal, () => carol.PostAsJsonAsync("/api/vos", body), (HttpStatusCode)status, field, code);
    }

    [Fact]
    public async Task Names_of_exactly_200_and_descriptions_of_exactly_4000_characters_are_accepted()
    {
        using var carol = await VoRefusals.SignedInAsync(portal, DemoSeed.Carol);
        using var response = await carol.PostAsJsonAsync("/api/vos", new { name = new string('x', 199) + "!", description = new string('d', 4000) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
