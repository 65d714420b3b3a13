using System.Net;
using System.Net.Http.Json;
using Portal.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.VirtualOrganizations.Invitations;

/// <summary>Bad input to POST /api/vos/{id}/invitations: each a problem naming the field and its code, and nothing changed.</summary>
public sealed class CreateInvitationTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    public static TheoryData<string, string, int, string, string> InvitationCases() => new()
    {
        { "expiry in the past", """{"expiresAt":"2026-10-31T09:00:00Z"}""", 400, "expiresAt", "vo.invitation.expiry_in_past" },
        { "expiry now", """{"expiresAt":"2026-11-01T09:00:00Z"}""", 400, "expiresAt", "vo.invitation.expiry_in_past" },
        { "expiry after 30 days", """{"expiresAt":"2026-12-01T09:00:01Z"}""", 400, "expiresAt", "vo.invitation.lifetime_too_long" },
        { "not an e-mail address", """{"email":"bob at university"}""", 400, "email", "vo.invitation.email_invalid" },
        { "e-mail with a display name", """{"email":"Bob <bob@x.org>"}""", 400, "email", "vo.invitation.email_invalid" },
        { "unknown role", """{"role":"owner"}""", 400, "role", "vo.member.role_invalid" },
        { "membership ends before the invitation", """{"membershipExpiresAt":"2026-11-02T09:00:00Z"}""", 400, "membershipExpiresAt", "vo.invitation.membership_ends_too_early" },
        { "someone already a member", """{"email":"BOB@university.example.edu"}""", 409, "email", "vo.invitation.already_member" },
    };

    [Theory]
    [MemberData(nameof(InvitationCases))]
    public async Task Inviting_with_bad_input_is_refused_and_changes_nothing(string why, string json, int status, string field, string code)
    {
        Assert.NotNull(why);
        var world = await VoWorld.CreateAsync(portal);
        using var dave = await VoRefusals.SignedInAsync(portal, DemoSeed.Dave);
        await VoRefusals.AssertRefusedAsync(portal, () => dave.PostAsync($"/api/vos/{world.VoId}/invitations",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json")), (HttpStatusCode)status, field, code);
    }

    [Fact]
    public async Task An_invitation_valid_for_exactly_30_days_is_accepted_and_a_second_for_the_same_address_is_a_conflict()
    {
        var world = await VoWorld.CreateAsync(portal);
        using var dave = await VoRefusals.SignedInAsync(portal, DemoSeed.Dave);
        using var first = await dave.PostAsJsonAsync($"/api/vos/{world.VoId}/invitations",
            new { email = "New.Person@Example.org", expiresAt = portal.Clock.GetUtcNow().AddDays(30) });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        await VoRefusals.AssertRefusedAsync(portal, () => dave.PostAsJsonAsync($"/api/vos/{world.VoId}/invitations", new { email = "new.person@example.org" }),
            HttpStatusCode.Conflict, "email", "vo.invitation.already_pending");
    }
}
