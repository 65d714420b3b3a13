using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Demo;
using Portal.Features.Notifications;
using Portal.Features.SignIn;
using Portal.Features.VirtualOrganizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.VirtualOrganizations;

/// <summary>
/// A fresh, self-contained scene on the demo data, written straight into the database (not through the services under
/// test): an open VO where Dave is admin and Bob a member, Erin (no sign-in) asking to join, a link invitation and an
/// e-mail invitation pending, a notification for Bob, and another VO that Alice administers. Carol belongs to neither.
/// </summary>
public sealed record VoWorld(Guid VoId, string VoName, Guid OtherVoId, Guid ErinId, string LinkToken, Guid LinkInvitationId,
    Guid EmailInvitationId, Guid BobNotificationId)
{
    public const string Member = "member";
    public const string NonMember = "non-member";
    public const string Admin = "VO admin";
    public const string OtherAdmin = "admin of another VO";
    public const string Anonymous = "anonymous";

    public static Guid? UserFor(string role) => role switch
    {
        Member => DemoSeed.Bob,
        NonMember => DemoSeed.Carol,
        Admin => DemoSeed.Dave,
        OtherAdmin => DemoSeed.Alice,
        _ => null,
    };

    public static async Task<VoWorld> CreateAsync(PortalFactory portal, VoJoinPolicy policy = VoJoinPolicy.OpenWithApproval)
    {
        var now = portal.Clock.GetUtcNow();
        await using var db = portal.CreateDb();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var erin = new User
        {
            Id = Guid.NewGuid(),
            Issuer = "https://idp.test",
            Subject = $"erin-{tag}",
            DisplayName = $"Erin {tag}",
            Email = $"erin-{tag}@example.org",
            CreatedAt = now,
        };
        db.Users.Add(erin);
        var vo = new VirtualOrganization
        {
            Id = Guid.NewGuid(),
            Name = $"World {tag}",
            Description = "A test VO",
            JoinPolicy = policy,
            DefaultMembershipDays = 90,
            CreatedById = DemoSeed.Dave,
            CreatedAt = now,
            Memberships =
            [
                Active(DemoSeed.Dave, VoRole.Admin, now, null),
                Active(DemoSeed.Bob, VoRole.Member, now, now.AddDays(90)),
                new Membership { Id = Guid.NewGuid(), UserId = erin.Id, Status = MembershipStatus.Pending, CreatedAt = now, RequestMessage = "Please" },
            ],
        };
        var other = new VirtualOrganization
        {
            Id = Guid.NewGuid(),
            Name = $"Other {tag}",
            CreatedById = DemoSeed.Alice,
            CreatedAt = now,
            Memberships = [Active(DemoSeed.Alice, VoRole.Admin, now, null)],
        };
        db.VirtualOrganizations.AddRange(vo, other);
        var token = $"token-{Guid.NewGuid():N}";
        var link = Invitation(vo.Id, null, token, now);
        var mail = Invitation(vo.Id, $"someone-{tag}@example.org", $"token-{Guid.NewGuid():N}", now);
        db.Invitations.AddRange(link, mail);
        var note = new Notification
        {
            Id = Guid.NewGuid(),
            UserId = DemoSeed.Bob,
            Kind = "test",
            Title = "For Bob",
            Body = "",
            CreatedAt = now,
        };
        db.Notifications.Add(note);
        await db.SaveChangesAsync();
        return new VoWorld(vo.Id, vo.Name, other.Id, erin.Id, token, link.Id, mail.Id, note.Id);
    }

    public static Membership Active(Guid user, VoRole role, DateTimeOffset now, DateTimeOffset? expires) => new()
    {
        Id = Guid.NewGuid(),
        UserId = user,
        Role = role,
        Status = MembershipStatus.Active,
        CreatedAt = now,
        ActivatedAt = now,
        ExpiresAt = expires,
    };

    public static Invitation Invitation(Guid voId, string? email, string token, DateTimeOffset now, TimeSpan? validFor = null) => new()
    {
        Id = Guid.NewGuid(),
        VoId = voId,
        InvitedById = DemoSeed.Dave,
        Email = email,
        Role = VoRole.Member,
        TokenHash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)),
        CreatedAt = now.AddDays(-1),
        ExpiresAt = now + (validFor ?? TimeSpan.FromDays(7)),
    };

    /// <summary>The principal a Blazor page would pass: the same claims the cookie carries.</summary>
    public static Caller CallerFor(Guid? userId, string name = "test") => Caller.From(userId is null
        ? new ClaimsPrincipal(new ClaimsIdentity())
        : new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId.Value.ToString()), new Claim(ClaimTypes.Name, name)], "test")));

    /// <summary>Row counts that no refused request may change.</summary>
    public static async Task<(int Vos, int Memberships, int Invitations, int Audit, int Notifications, string MembershipState)> SnapshotAsync(PortalFactory portal)
    {
        await using var db = portal.CreateDb();
        var states = await db.Memberships.OrderBy(m => m.Id)
            .Select(m => m.Id + ":" + m.Status + ":" + m.Role + ":" + m.ExpiresAt).ToListAsync();
        return (await db.VirtualOrganizations.CountAsync(), await db.Memberships.CountAsync(), await db.Invitations.CountAsync(),
            await db.AuditEvents.CountAsync(), await db.Notifications.CountAsync(), string.Join('|', states));
    }
}
