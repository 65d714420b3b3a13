using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Portal.Connectors.Sites;
using Portal.Features.Demo;
using Portal.Features.Sites.Enrollment;
using Portal.Features.Sites.Link;
using Portal.Tests.Infrastructure;
using static Portal.Tests.Sites.SiteAgentKit;

namespace Portal.Tests.Sites.Enrollment;

/// <summary>
/// An agent enrolls with the owner's one-time code and a key it made (EnrollAgent.HandleAsync, as the gRPC link calls
/// it): once, within the hour, with a P-256 key it proves it holds; of two racing with one code exactly one wins.
/// </summary>
public sealed class EnrollAgentTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    [Fact]
    public async Task A_valid_code_and_key_make_an_agent_of_the_owner_spend_the_code_and_pin_the_order_key()
    {
        var code = await CodeAsync(portal, DemoSeed.Alice, "Hospital DB");
        using var key = SiteKeys.Create();
        var reply = await EnrollAsync(portal, Request(code, key));

        Assert.True(reply.Succeeded, reply.Failure?.Code);
        var orderKey = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<OrderSigningKey>(portal.Services);
        Assert.Equal(orderKey.PublicKey, reply.Value!.OrderKey.ToByteArray());
        Assert.Equal("Hospital DB", reply.Value.Name);
        Assert.Equal(Services(portal).PortalId, reply.Value.PortalId);
        Assert.False(string.IsNullOrEmpty(reply.Value.PortalId));

        await using var db = portal.CreateDb();
        var agentId = Guid.Parse(reply.Value.AgentId);
        var agent = await db.SiteAgents.SingleAsync(a => a.Id == agentId);
        Assert.Equal(DemoSeed.Alice, agent.OwnerId);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), agent.PublicKey);
        Assert.Equal(SiteKeys.Fingerprint(agent.PublicKey), agent.Fingerprint);
        Assert.Equal(("1.0.0", "db01.hospital.example.org"), (agent.Version, agent.HostName));
        Assert.Null(agent.DisabledAt);
        var hash = EnrollmentCodes.Hash(code);
        var enrollment = await db.SiteEnrollments.SingleAsync(e => e.CodeHash == hash);
        Assert.NotNull(enrollment.UsedAt);
        Assert.Equal(agentId, enrollment.AgentId);
        var audit = await db.AuditEvents.Where(e => e.Type == "site.agent.enrolled").ToListAsync();
        var enrolled = Assert.Single(audit, e => e.Details!.RootElement.GetProperty("agentId").GetGuid() == agentId);
        Assert.Equal(DemoSeed.Alice, enrolled.ActorUserId);
        Assert.Equal("192.0.2.10", enrolled.ActorIp);
    }

    [Fact]
    public async Task A_code_works_once()
    {
        var code = await CodeAsync(portal, DemoSeed.Alice, "Twice");
        using var first = SiteKeys.Create();
        using var second = SiteKeys.Create();
        Assert.True((await EnrollAsync(portal, Request(code, first))).Succeeded);

        var again = await EnrollAsync(portal, Request(code, second));
        Assert.Equal("site.enrollment.used", again.Failure?.Code);
        await using var db = portal.CreateDb();
        Assert.Equal(1, await db.SiteAgents.CountAsync(a => a.Name == "Twice"));
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Type == "site.enrollment.refused" && e.Reason == "site.enrollment.used"));
    }

    [Fact]
    public async Task A_code_expires_after_an_hour()
    {
        var fresh = await CodeAsync(portal, DemoSeed.Alice, "Within the hour");
        var stale = await CodeAsync(portal, DemoSeed.Alice, "Too late");
        portal.Clock.Advance(TimeSpan.FromMinutes(59));
        using var key = SiteKeys.Create();
        Assert.True((await EnrollAsync(portal, Request(fresh, key))).Succeeded);

        portal.Clock.Advance(TimeSpan.FromMinutes(1));
        using var late = SiteKeys.Create();
        var refused = await EnrollAsync(portal, Request(stale, late));
        Assert.Equal("site.enrollment.expired", refused.Failure?.Code);
        await using var db = portal.CreateDb();
        Assert.False(await db.SiteAgents.AnyAsync(a => a.Name == "Too late"));
        var hash = EnrollmentCodes.Hash(stale);
        Assert.Null((await db.SiteEnrollments.SingleAsync(e => e.CodeHash == hash)).UsedAt);
    }

    [Fact]
    public async Task An_unknown_or_malformed_code_is_refused_and_not_audited()
    {
        using var key = SiteKeys.Create();
        await using var db = portal.CreateDb();
        var refusalsBefore = await db.AuditEvents.CountAsync(e => e.Type == "site.enrollment.refused");
        foreach (var code in new[] { EnrollmentCodes.New(), "", "short", new string('a', 43) + "\0", "x".PadRight(43, '\u00e9') })
        {
            Assert.Equal("site.enrollment.unknown", (await EnrollAsync(portal, Request(code, key))).Failure?.Code);
        }
        Assert.Equal(refusalsBefore, await db.AuditEvents.CountAsync(e => e.Type == "site.enrollment.refused"));
    }

    [Fact]
    public async Task A_proof_by_another_key_is_refused_and_leaves_the_code_usable()
    {
        var code = await CodeAsync(portal, DemoSeed.Alice, "Proof");
        using var key = SiteKeys.Create();
        using var forger = SiteKeys.Create();
        Assert.Equal("site.enrollment.bad_proof", (await EnrollAsync(portal, Request(code, key, signer: forger))).Failure?.Code);

        // A signature of another payload (the challenge label) by the right key is no proof either.
        var wrongPayload = Request(code, key);
        wrongPayload.Proof = Google.Protobuf.ByteString.CopyFrom(SiteKeys.Sign(key, SignedPayloads.Challenge(code, key.ExportSubjectPublicKeyInfo())));
        Assert.Equal("site.enrollment.bad_proof", (await EnrollAsync(portal, wrongPayload)).Failure?.Code);

        await using var db = portal.CreateDb();
        Assert.False(await db.SiteAgents.AnyAsync(a => a.Name == "Proof"));
        Assert.True((await EnrollAsync(portal, Request(code, key))).Succeeded);
    }

    [Fact]
    public async Task Only_a_P256_key_is_accepted()
    {
        var code = await CodeAsync(portal, DemoSeed.Alice, "Curves");
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var brainpool = ECDsa.Create(ECCurve.NamedCurves.brainpoolP256r1);
        using var rsa = RSA.Create(2048);
        foreach (AsymmetricAlgorithm key in new AsymmetricAlgorithm[] { p384, brainpool, rsa })
        {
            Assert.Equal("site.enrollment.bad_key", (await EnrollAsync(portal, Request(code, key))).Failure?.Code);
        }
        using var p256 = SiteKeys.Create();
        var garbage = Request(code, p256);
        garbage.PublicKey = Google.Protobuf.ByteString.CopyFrom([.. p256.ExportSubjectPublicKeyInfo(), 0]);
        Assert.Equal("site.enrollment.bad_key", (await EnrollAsync(portal, garbage)).Failure?.Code);

        await using var db = portal.CreateDb();
        Assert.False(await db.SiteAgents.AnyAsync(a => a.Name == "Curves"));
    }

    [Fact]
    public async Task A_code_of_an_owner_suspended_since_enrolls_nothing()
    {
        var now = portal.Clock.GetUtcNow();
        var owner = new User
        {
            Id = Guid.CreateVersion7(now),
            Issuer = DemoSeed.HospitalIdp,
            Subject = "soon-suspended@" + DemoSeed.HospitalScope,
            DisplayName = "Soon Suspended",
            InstitutionId = DemoSeed.Hospital,
            CreatedAt = now,
        };
        await using var db = portal.CreateDb();
        db.Users.Add(owner);
        await db.SaveChangesAsync();
        var code = await CodeAsync(portal, owner.Id, "Before suspension");
        await db.Users.Where(u => u.Id == owner.Id).ExecuteUpdateAsync(set => set.SetProperty(u => u.Suspended, true).SetProperty(u => u.SuspendedAt, now));

        using var key = SiteKeys.Create();
        Assert.Equal("site.enrollment.not_allowed", (await EnrollAsync(portal, Request(code, key))).Failure?.Code);
        Assert.False(await db.SiteAgents.AnyAsync(a => a.OwnerId == owner.Id));
    }

    [Fact]
    public async Task A_key_already_enrolled_is_refused()
    {
        using var key = SiteKeys.Create();
        var first = await CodeAsync(portal, DemoSeed.Alice, "Key one");
        Assert.True((await EnrollAsync(portal, Request(first, key))).Succeeded);
        var second = await CodeAsync(portal, DemoSeed.Carol, "Key two");
        Assert.Equal("site.enrollment.key_taken", (await EnrollAsync(portal, Request(second, key))).Failure?.Code);
    }

    [Fact]
    public async Task Overlong_or_control_characters_in_what_the_agent_says_are_refused()
    {
        var code = await CodeAsync(portal, DemoSeed.Alice, "Chatty");
        using var key = SiteKeys.Create();
        Assert.Equal("site.enrollment.field_invalid", (await EnrollAsync(portal, Request(code, key, version: new string('9', 65)))).Failure?.Code);
        Assert.Equal("site.enrollment.field_invalid", (await EnrollAsync(portal, Request(code, key, host: "db\u202E01"))).Failure?.Code);
        Assert.Equal("request.nul_character", (await EnrollAsync(portal, Request(code, key, host: "db\u000001"))).Failure?.Code);
        Assert.True((await EnrollAsync(portal, Request(code, key, version: "", host: ""))).Succeeded);
    }

    [Fact]
    public async Task Of_two_enrollments_racing_with_one_code_exactly_one_wins()
    {
        for (var round = 0; round < 5; round++)
        {
            var name = $"Race {round}";
            var code = await CodeAsync(portal, DemoSeed.Alice, name);
            var keys = Enumerable.Range(0, 2).Select(_ => SiteKeys.Create()).ToList();
            var outcomes = await Task.WhenAll(keys.Select(k => Task.Run(() => EnrollAsync(portal, Request(code, k)))));
            keys.ForEach(k => k.Dispose());

            Assert.Single(outcomes, o => o.Succeeded);
            Assert.Equal("site.enrollment.used", Assert.Single(outcomes, o => !o.Succeeded).Failure!.Code);
            await using var db = portal.CreateDb();
            Assert.Equal(1, await db.SiteAgents.CountAsync(a => a.Name == name));
        }
    }
}
