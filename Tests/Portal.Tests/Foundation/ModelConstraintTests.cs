using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Features.AccessRequests;
using Portal.Features.Demo;
using Portal.Features.Grants;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Foundation;

/// <summary>The database itself refuses states the product must never be in, whatever code writes to it.</summary>
public sealed class ModelConstraintTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private static Grant PersonGrant() => new()
    {
        Id = Guid.NewGuid(),
        DatasetId = DemoSeed.PatientsDataset,
        GranteeKind = GranteeKind.Person,
        GranteeUserId = DemoSeed.Bob,
        Purposes = [new Purpose { Code = "DS", Disease = "HIV" }],
        K = 5,
        ValidFrom = Now,
        ValidUntil = Now.AddDays(10),
        CreatedById = DemoSeed.Alice,
        CreatedAt = Now,
    };

    public static TheoryData<string, Action<Grant>> BrokenGrants => new()
    {
        { "ck_grant_period", g => g.ValidUntil = g.ValidFrom.AddDays(-1) },
        { "ck_grant_period", g => g.ValidUntil = g.ValidFrom },
        { "ck_grant_k", g => g.K = 0 },
        { "ck_grant_grantee", g => g.GranteeUserId = null },
        { "ck_grant_grantee", g => g.GranteeVoId = DemoSeed.CohortVo },
        { "ck_grant_grantee", g => { g.GranteeKind = GranteeKind.VoRole; g.GranteeUserId = null; g.GranteeVoId = DemoSeed.CohortVo; } },
        { "ck_grant_grantee", g => { g.GranteeKind = GranteeKind.VoInstitution; g.GranteeUserId = null; g.GranteeVoId = DemoSeed.CohortVo; } },
        { "ck_grant_revoked", g => g.RevokedAt = Now },
    };

    [Fact]
    public async Task A_well_formed_grant_is_stored()
    {
        await using var db = portal.CreateDb();
        var grant = PersonGrant();
        db.Grants.Add(grant);
        await db.SaveChangesAsync();
        Assert.True(await db.Grants.AnyAsync(g => g.Id == grant.Id));
    }

    [Theory]
    [MemberData(nameof(BrokenGrants))]
    public async Task A_malformed_grant_is_refused_by_the_database(string constraint, Action<Grant> breakIt)
    {
        ArgumentNullException.ThrowIfNull(breakIt);
        await using var db = portal.CreateDb();
        var grant = PersonGrant();
        breakIt(grant);
        db.Grants.Add(grant);
        var e = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        var pg = Assert.IsType<PostgresException>(e.InnerException);
        Assert.Equal(constraint, pg.ConstraintName);
    }

    [Fact]
    public async Task The_federated_key_is_unique()
    {
        await using var db = portal.CreateDb();
        db.Users.Add(new User { Id = Guid.NewGuid(), Issuer = DemoSeed.UniversityIdp, Subject = DemoSeed.SubjectId("bob", DemoSeed.UniversityScope), DisplayName = "Impostor", CreatedAt = Now });
        var e = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(e.InnerException).SqlState);
    }

    [Fact]
    public async Task A_request_must_end_after_it_starts()
    {
        await using var db = portal.CreateDb();
        db.AccessRequests.Add(new AccessRequest
        {
            Id = Guid.NewGuid(),
            DatasetId = DemoSeed.PatientsDataset,
            RequesterId = DemoSeed.Bob,
            Purpose = new Purpose { Code = "HMB" },
            RequestedFrom = Now,
            RequestedUntil = Now.AddDays(-3),
            TermsAcceptedAt = Now,
            CreatedAt = Now,
        });
        var e = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.Equal("ck_request_period", Assert.IsType<PostgresException>(e.InnerException).ConstraintName);
    }

    [Fact]
    public async Task Racing_changes_to_one_grant_cannot_both_win()
    {
        var grant = PersonGrant();
        await using (var setup = portal.CreateDb())
        {
            setup.Grants.Add(grant);
            await setup.SaveChangesAsync();
        }
        await using var first = portal.CreateDb();
        await using var second = portal.CreateDb();
        var a = await first.Grants.SingleAsync(g => g.Id == grant.Id);
        var b = await second.Grants.SingleAsync(g => g.Id == grant.Id);

        a.ValidUntil = a.ValidUntil.AddDays(30);
        await first.SaveChangesAsync();
        b.RevokedAt = Now;
        b.RevokedById = DemoSeed.Alice;
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
    }
}
