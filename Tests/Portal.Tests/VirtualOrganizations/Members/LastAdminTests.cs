using System.Net;
using System.Net.Http.Json;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.VirtualOrganizations.Members;

/// <summary>
/// LeaveVo, ChangeMemberRole, RemoveMember and SetMembershipExpiry keep a VO from losing its last admin
/// (vo.member.last_admin); SetMembershipExpiry refuses ends in the past.
/// </summary>
public sealed class LastAdminTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    [Fact]
    public async Task Membership_ends_in_the_past_are_refused()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var dave = await VoRefusals.SignedInAsync(portal, DemoSeed.Dave);
        await VoRefusals.AssertRefusedAsync(portal, () => dave.PutAsJsonAsync($"/api/vos/{world.VoId}/members/{DemoSeed.Bob}/expiry",
            new { expiresAt = portal.Clock.GetUtcNow().AddMinutes(-1) }), HttpStatusCode.BadRequest, "expiresAt", "vo.member.expiry_in_past");
    }

    [Fact]
    public async Task The_last_admin_can_neither_leave_nor_be_demoted_nor_removed_nor_given_an_end()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var dave = await VoRefusals.SignedInAsync(portal, DemoSeed.Dave);
        const string LastAdmin = "vo.member.last_admin";
        await VoRefusals.AssertRefusedAsync(portal, () => dave.PostAsync($"/api/vos/{world.VoId}/leave", null), HttpStatusCode.Conflict, "role", LastAdmin);
        await VoRefusals.AssertRefusedAsync(portal, () => dave.PutAsJsonAsync($"/api/vos/{world.VoId}/members/{DemoSeed.Dave}/role", new { role = "member" }),
            HttpStatusCode.Conflict, "role", LastAdmin);
        await VoRefusals.AssertRefusedAsync(portal, () => dave.DeleteAsync($"/api/vos/{world.VoId}/members/{DemoSeed.Dave}"),
            HttpStatusCode.Conflict, "userId", LastAdmin);
        await VoRefusals.AssertRefusedAsync(portal, () => dave.PutAsJsonAsync($"/api/vos/{world.VoId}/members/{DemoSeed.Dave}/expiry",
            new { expiresAt = portal.Clock.GetUtcNow().AddDays(3) }), HttpStatusCode.Conflict, "expiresAt", LastAdmin);

        // With a second admin, Dave may go.
        using var promote = await dave.PutAsJsonAsync($"/api/vos/{world.VoId}/members/{DemoSeed.Bob}/role", new { role = "admin" });
        Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
        using var leave = await dave.PostAsync($"/api/vos/{world.VoId}/leave", null);
        Assert.Equal(HttpStatusCode.NoContent, leave.StatusCode);
    }
}
