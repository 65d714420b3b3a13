using System.Net;
using System.Net.Http.Json;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.VirtualOrganizations.JoinRequests;

/// <summary>POST /api/vos/{id}/join-requests: overlong messages, asking twice and invitation-only VOs are refused.</summary>
public sealed class AskToJoinTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    [Fact]
    public async Task Join_requests_with_overlong_messages_twice_or_to_invitation_only_vos_are_refused()
    {
        var open = await VoWorld.CreateAsync(portal);
        var closed = await VoWorld.CreateAsync(portal, VoJoinPolicy.InvitationOnly);
        using var carol = await VoRefusals.SignedInAsync(portal, DemoSeed.Carol);
        await VoRefusals.AssertRefusedAsync(portal, () => carol.PostAsJsonAsync($"/api/vos/{open.VoId}/join-requests", new { message = new string('m', 2001) }),
            HttpStatusCode.BadRequest, "message", "vo.input.too_long");
        await VoRefusals.AssertRefusedAsync(portal, () => carol.PostAsJsonAsync($"/api/vos/{closed.VoId}/join-requests", new { message = "hi" }),
            HttpStatusCode.Forbidden, null, "vo.join_request.invitation_only");
        using var first = await carol.PostAsJsonAsync($"/api/vos/{open.VoId}/join-requests", new { message = "hi" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await VoRefusals.AssertRefusedAsync(portal, () => carol.PostAsJsonAsync($"/api/vos/{open.VoId}/join-requests", new { message = "again" }),
            HttpStatusCode.Conflict, "voId", "vo.join_request.already_pending");
    }
}
