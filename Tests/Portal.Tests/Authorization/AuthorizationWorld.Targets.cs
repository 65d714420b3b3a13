using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Datasets;
using Portal.Features.Demo;
using Portal.Features.VirtualOrganizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Authorization;

/// <summary>Fresh targets for the matrix: members, invitations, datasets, requests, grants, notifications and tokens made for one case each, so no case depends on another.</summary>
public partial class AuthorizationWorld
{
    private static readonly string[] CatalogueScope = ["catalogue:read"];
    private int _made;

    /// <summary>A person nobody signed in as, with a membership of the given status in a VO: a target to change or remove.</summary>
    public async Task<Guid> FreshMemberAsync(Guid vo, MembershipStatus status)
    {
        var n = Interlocked.Increment(ref _made);
        var now = Clock.GetUtcNow();
        var user = new User
        {
            Id = Guid.CreateVersion7(now),
            Issuer = DemoSeed.UniversityIdp,
            Subject = $"fresh-{n}@{DemoSeed.UniversityScope}",
            DisplayName = $"Fresh Person {n}",
            Email = $"fresh{n}@{DemoSeed.UniversityScope}",
            HomeOrganization = DemoSeed.UniversityScope,
            InstitutionId = DemoSeed.University,
            CreatedAt = now,
        };
        var membership = Member(user.Id, vo, VoRole.Member, now);
        membership.Status = status;
        membership.ActivatedAt = status == MembershipStatus.Active ? now : null;
        await using var db = CreateDb();
        db.Users.Add(user);
        db.Memberships.Add(membership);
        await db.SaveChangesAsync();
        return user.Id;
    }

    /// <summary>An open invitation to a VO, by link.</summary>
    public async Task<Guid> FreshInvitationAsync(Guid vo)
    {
        var now = Clock.GetUtcNow();
        var invitation = new Invitation
        {
            Id = Guid.CreateVersion7(now),
            VoId = vo,
            InvitedById = DemoSeed.Dave,
            TokenHash = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32),
            CreatedAt = now,
            ExpiresAt = now.AddDays(7),
        };
        await using var db = CreateDb();
        db.Invitations.Add(invitation);
        await db.SaveChangesAsync();
        return invitation.Id;
    }

    /// <summary>A dataset like the demo patients (Alice owns it, Henry stewards it, shared into the demo VO), known to the engine.</summary>
    public async Task<Guid> FreshDatasetAsync() => await FreshDatasetAsync(shared: true, DatasetStatus.Active);

    public async Task<Guid> FreshDatasetAsync(bool shared, DatasetStatus status)
    {
        var now = Clock.GetUtcNow();
        var id = Guid.NewGuid();
        await using (var db = CreateDb())
        {
            var patients = db.Datasets.AsNoTracking().Single(d => d.Id == DemoSeed.PatientsDataset);
            patients.Id = id;
            patients.Name = $"Fresh {id:N}";
            patients.Stewards = [];
            patients.Shares = [];
            patients.Status = status;
            db.Datasets.Add(patients);
            await db.SaveChangesAsync();
            db.DatasetStewards.Add(new DatasetSteward { DatasetId = id, UserId = _users[Persona.Steward], AddedById = DemoSeed.Alice, AddedAt = now });
            if (shared)
            {
                db.DatasetShares.Add(new DatasetShare { DatasetId = id, VoId = DemoSeed.CohortVo, SharedById = DemoSeed.Alice, SharedAt = now });
            }
            await db.SaveChangesAsync();
        }
        // A draft counts as shared into no VO for the engine.
        var visibleIn = shared && status == DatasetStatus.Active;
        await EngineHasAsync(e => e.FindDataset(id) is { } d && d.Stewards.Contains(_users[Persona.Steward]) && d.SharedIntoVos.Contains(DemoSeed.CohortVo) == visibleIn);
        return id;
    }

    /// <summary>A pending request of Bob's (DS:HIV, 30 days) on a fresh dataset.</summary>
    public async Task<Guid> FreshRequestOfBobAsync()
    {
        var dataset = await FreshDatasetAsync();
        var now = Clock.GetUtcNow();
        var request = new AccessRequest
        {
            Id = Guid.NewGuid(),
            DatasetId = dataset,
            RequesterId = DemoSeed.Bob,
            VoId = DemoSeed.CohortVo,
            Purpose = new Purpose { Code = "DS", Disease = "HIV" },
            PurposeDescription = "Long-term outcomes.",
            EthicsReference = "UNI-IRB-2026-117",
            RequestedFrom = now,
            RequestedUntil = now.AddDays(30),
            TermsAcceptedAt = now,
            TermsVersion = 1,
            CreatedAt = now,
        };
        await using var db = CreateDb();
        db.AccessRequests.Add(request);
        await db.SaveChangesAsync();
        return request.Id;
    }

    /// <summary>A live personal grant (DS:HIV, 30 days) on a fresh dataset, to Bob or to a fresh person.</summary>
    public async Task<Guid> FreshGrantAsync(bool toBob)
    {
        var dataset = await FreshDatasetAsync();
        var grantee = toBob ? DemoSeed.Bob : await FreshMemberAsync(DemoSeed.CohortVo, MembershipStatus.Active);
        var now = Clock.GetUtcNow();
        var grant = new Grant
        {
            Id = Guid.NewGuid(),
            DatasetId = dataset,
            GranteeKind = GranteeKind.Person,
            GranteeUserId = grantee,
            Purposes = [new Purpose { Code = "DS", Disease = "HIV" }],
            ProfileVersion = 1,
            K = 5,
            ValidFrom = now,
            ValidUntil = now.AddDays(30),
            CreatedById = DemoSeed.Alice,
            CreatedAt = now,
        };
        await using (var db = CreateDb())
        {
            db.Grants.Add(grant);
            await db.SaveChangesAsync();
        }
        await EngineHasAsync(e => e.FindGrant(grant.Id) is not null);
        return grant.Id;
    }

    private async Task EngineHasAsync(Func<Portal.Policy.PolicySnapshot, bool> arrived)
    {
        var engine = Services.GetRequiredService<Portal.Policy.PolicyEngine>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!arrived(engine.Current))
        {
            Assert.True(DateTime.UtcNow < deadline, "the policy engine did not receive a change within 10 s");
            await Task.Delay(10);
        }
    }

    /// <summary>An unread in-portal notification for Bob.</summary>
    public async Task<Guid> FreshNotificationOfBobAsync()
    {
        var notification = new Notification
        {
            Id = Guid.NewGuid(),
            UserId = DemoSeed.Bob,
            Kind = "test",
            Title = "Something happened",
            CreatedAt = Clock.GetUtcNow(),
            EmailStatus = EmailStatus.None,
        };
        await using var db = CreateDb();
        db.Notifications.Add(notification);
        await db.SaveChangesAsync();
        return notification.Id;
    }

    /// <summary>A VO every persona is a member of, run by the bystander: each persona can leave it once.</summary>
    public async Task<Guid> FreshVoOfEveryoneAsync()
    {
        var now = Clock.GetUtcNow();
        var vo = new VirtualOrganization { Id = Guid.NewGuid(), Name = $"Everyone {Interlocked.Increment(ref _made)}", CreatedById = Bystander, CreatedAt = now };
        vo.Memberships.Add(Member(Bystander, vo.Id, VoRole.Admin, now));
        vo.Memberships.AddRange(_users.Values.Distinct().Select(u => Member(u, vo.Id, VoRole.Member, now)));
        await using var db = CreateDb();
        db.VirtualOrganizations.Add(vo);
        await db.SaveChangesAsync();
        return vo.Id;
    }

    /// <summary>A token of Bob's that another persona may try to revoke.</summary>
    public async Task<Guid> FreshTokenOfBobAsync()
    {
        using var response = await Client(Persona.ResearcherWithGrant).PostAsJsonAsync(
            new Uri("/api/tokens", UriKind.Relative), new { name = $"bob {Interlocked.Increment(ref _made)}", scopes = CatalogueScope, expiresInDays = 7 });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("token").GetProperty("id").GetGuid();
    }
}
