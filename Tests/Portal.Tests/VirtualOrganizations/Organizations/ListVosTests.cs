using System.Net;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.VirtualOrganizations.Organizations;

/// <summary>ListMyVos and GetVo: paging is checked, and a VO by invitation only stays hidden from outsiders.</summary>
public sealed class ListVosTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=101", "pageSize")]
    public async Task Bad_paging_names_the_parameter(string query, string field)
    {
        using var bob = await VoRefusals.SignedInAsync(portal, DemoSeed.Bob);
        using var response = await bob.GetAsync($"/api/vos?{query}");
        await ApiProblem.AssertAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task An_invitation_only_vo_is_hidden_from_non_members()
    {
        var closed = await VoWorld.CreateAsync(portal, VoJoinPolicy.InvitationOnly);
        using var carol = await VoRefusals.SignedInAsync(portal, DemoSeed.Carol);
        using var response = await carol.GetAsync($"/api/vos/{closed.VoId}");
        await ApiProblem.AssertAsync(response, HttpStatusCode.Forbidden, null, "vo.organization.members_only");
        using var unknown = await carol.GetAsync($"/api/vos/{Guid.NewGuid()}");
        await ApiProblem.AssertAsync(unknown, HttpStatusCode.NotFound, null, "vo.organization.not_found");
    }
}
