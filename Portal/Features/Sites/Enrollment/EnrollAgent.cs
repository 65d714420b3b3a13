using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;
using Portal.Data;

namespace Portal.Features.Sites.Enrollment;

/// <summary>
/// An agent enrolls with the owner's one-time code and the public half of a key it made at the site; it proves it
/// holds the private half by signing the code with it. The code is spent by a conditional UPDATE in the transaction
/// that creates the agent, so of two enrollments racing with one code exactly one wins. The gRPC link calls this.
/// </summary>
public static class EnrollAgent
{
    public const int VersionMax = 64;
    public const int HostNameMax = 255;

    private const string P256Oid = "1.2.840.10045.3.1.7";

    public static readonly Failure Unknown = Failure.NotFound("site.enrollment.unknown", "No such enrollment code; ask the owner for a new one.");
    public static readonly Failure Used = Failure.Gone("site.enrollment.used", "code", "This enrollment code was already used; ask the owner for a new one.");
    public static readonly Failure Expired = Failure.Gone("site.enrollment.expired", "code", "This enrollment code has expired (codes last one hour); ask the owner for a new one.");

    public static async Task<Outcome<EnrollReply>> HandleAsync(SitesServices s, EnrollRequest r, string? address, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(r);
        if (!EnrollmentCodes.LooksLikeACode(r.Code))
        {
            return Unknown;
        }
        await using var db = await s.Dbs.CreateDbContextAsync(ct);
        var hash = EnrollmentCodes.Hash(r.Code);
        var enrollment = await db.SiteEnrollments.AsNoTracking().SingleOrDefaultAsync(e => e.CodeHash == hash, ct);
        if (enrollment is null)
        {
            // Not audited: no owner to tell, and anyone can send any number of these.
            return Unknown;
        }
        var now = s.Time.GetUtcNow();
        var publicKey = r.PublicKey.ToByteArray();
        if (Check(enrollment, r, publicKey, now) is { } refused)
        {
            return await RefusedAsync(s, db, enrollment, refused, address, ct);
        }

        // The code was made while its owner could own datasets; she may have been suspended within the hour.
        var owner = await db.Users.AsNoTracking().SingleAsync(u => u.Id == enrollment.OwnerId, ct);
        if (!DatasetOwnership.MayOwnDatasets(owner))
        {
            return await RefusedAsync(s, db, enrollment, CreateEnrollmentCode.NotAllowed, address, ct);
        }

        var fingerprint = SiteKeys.Fingerprint(publicKey);
        if (await db.SiteAgents.AnyAsync(a => a.Fingerprint == fingerprint, ct))
        {
            return await RefusedAsync(s, db, enrollment, KeyTaken, address, ct);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Waits for a concurrent enrollment with the same code to finish, then sees its used_at: one wins.
        var claimed = await db.SiteEnrollments
            .Where(e => e.Id == enrollment.Id && e.UsedAt == null && e.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(e => e.UsedAt, now), ct);
        if (claimed == 0)
        {
            await tx.RollbackAsync(ct);
            var current = await db.SiteEnrollments.AsNoTracking().SingleAsync(e => e.Id == enrollment.Id, ct);
            return await RefusedAsync(s, db, enrollment, current.UsedAt is not null ? Used : Expired, address, ct);
        }
        var agent = new SiteAgent
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = enrollment.OwnerId,
            Name = enrollment.AgentName,
            PublicKey = publicKey,
            Fingerprint = fingerprint,
            Version = Blank(r.Version),
            HostName = Blank(r.HostName),
            EnrolledAt = now,
        };
        db.SiteAgents.Add(agent);
        s.Audit.Add(db, "site.agent.enrolled", AuditOutcome.Success, Actor(enrollment, address),
            details: new { agentId = agent.Id, agent.Name, agent.Fingerprint, agent.Version, agent.HostName, enrollmentId = enrollment.Id });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            var conflict = unique.ConstraintName == "ix_site_agents_fingerprint" ? KeyTaken : NameTaken;
            return await RefusedAsync(s, db, enrollment, conflict, address, ct);
        }
        await db.SiteEnrollments.Where(e => e.Id == enrollment.Id).ExecuteUpdateAsync(set => set.SetProperty(e => e.AgentId, agent.Id), ct);
        await tx.CommitAsync(ct);
        return new EnrollReply
        {
            AgentId = agent.Id.ToString(),
            Name = agent.Name,
            OrderKey = ByteString.CopyFrom(s.OrderKey.PublicKey),
            PortalId = s.PortalId,
        };
    }

    private static readonly Failure KeyTaken = Failure.Conflict("site.enrollment.key_taken", "publicKey",
        "An agent with this key is already enrolled; every agent makes its own key.");

    private static readonly Failure NameTaken = Failure.Conflict("site.enrollment.name_taken", "name",
        "The owner already has an agent of this name.");

    /// <summary>What is wrong with a known code and what came with it, in the order an agent can act on.</summary>
    private static Failure? Check(SiteEnrollment enrollment, EnrollRequest r, byte[] publicKey, DateTimeOffset now)
    {
        if (enrollment.UsedAt is not null)
        {
            return Used;
        }
        if (enrollment.ExpiresAt <= now)
        {
            return Expired;
        }
        if (!IsP256(publicKey))
        {
            return Failure.Invalid("site.enrollment.bad_key", "publicKey", "The public key is not an ECDSA P-256 SubjectPublicKeyInfo.");
        }
        if (!SiteKeys.Verify(publicKey, SignedPayloads.Enrollment(r.Code, publicKey), r.Proof.Span))
        {
            return Failure.Invalid("site.enrollment.bad_proof", "proof", "The proof is not this key's signature of the enrollment code.");
        }
        return Field(r.Version, VersionMax, "version") ?? Field(r.HostName, HostNameMax, "hostName");
    }

    private static Failure? Field(string value, int max, string field) =>
        TextRules.Nul(value, field)
        ?? TextRules.NameCharacters(value, "site.enrollment.field_invalid", field)
        ?? (value.Trim().Length > max ? Failure.Invalid("site.enrollment.field_invalid", field, $"{field} is longer than {max} characters.") : null);

    private static bool IsP256(byte[] spki)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(spki, out var read);
            // A 256-bit size alone would also admit brainpoolP256r1; the curve's name is what the link relies on.
            return read == spki.Length && key.ExportParameters(false).Curve.Oid.Value == P256Oid;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The owner acted, through the agent that brought her code, from the agent's address.</summary>
    private static AuditActor Actor(SiteEnrollment enrollment, string? address) =>
        new(enrollment.OwnerId, $"site agent '{enrollment.AgentName}' (enrollment)", address);

    /// <summary>A refusal of a known code is the owner's to see: someone holds her code, or her agent is misconfigured.</summary>
    private static async Task<Outcome<EnrollReply>> RefusedAsync(SitesServices s, PortalDb db, SiteEnrollment enrollment, Failure failure,
        string? address, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        s.Audit.Add(db, "site.enrollment.refused", AuditOutcome.Denied, Actor(enrollment, address), reason: failure.Code,
            details: new { enrollmentId = enrollment.Id, agentName = enrollment.AgentName });
        await db.SaveChangesAsync(ct);
        return failure;
    }
}
