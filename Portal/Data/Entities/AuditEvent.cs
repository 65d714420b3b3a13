using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Entities;

/// <summary>
/// One security-relevant event. Rows are append-only (a trigger refuses UPDATE and DELETE) and hash-chained by the
/// database itself (see the AuditHashChain migration), so appends from any number of portal instances form one chain
/// that <see cref="AuditChainVerifier"/> can check.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>A stable dotted name, e.g. "signin.failed", "grant.revoked", "export.completed".</summary>
    public required string Type { get; set; }
    public AuditOutcome Outcome { get; set; }

    public Guid? ActorUserId { get; set; }

    /// <summary>Who acted as shown at the time (the user row may change later).</summary>
    public string? ActorName { get; set; }
    public string? ActorIp { get; set; }

    /// <summary>The personal API token used, if the actor came with one.</summary>
    public Guid? ApiTokenId { get; set; }

    public Guid? VoId { get; set; }
    public Guid? DatasetId { get; set; }
    public Guid? GrantId { get; set; }

    /// <summary>A stable reason code for failures and denials (e.g. "saml.audience", "grant.expired").</summary>
    public string? Reason { get; set; }

    public JsonDocument? Details { get; set; }

    /// <summary>Position in the hash chain, assigned by the database under a lock (ids can commit out of order).</summary>
    public long? ChainSeq { get; set; }

    /// <summary>The previous event's <see cref="Hash"/>; set by the database when the row is inserted.</summary>
    public byte[]? PreviousHash { get; set; }

    /// <summary>SHA-256 over the previous hash and this event's canonical content; set by the database.</summary>
    public byte[]? Hash { get; set; }
}

public enum AuditOutcome
{
    Success,
    Failure,
    Denied,
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.ToTable("audit_events");
        b.Property(e => e.Id).UseIdentityAlwaysColumn();
        b.HasIndex(e => e.OccurredAt);
        b.HasIndex(e => new { e.DatasetId, e.OccurredAt });
        b.HasIndex(e => new { e.ActorUserId, e.OccurredAt });
        b.HasIndex(e => new { e.VoId, e.OccurredAt });
        b.HasIndex(e => new { e.Type, e.OccurredAt });
        b.Property(e => e.Type).HasMaxLength(64);
        b.Property(e => e.Outcome).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.ActorName).HasMaxLength(256);
        b.Property(e => e.ActorIp).HasMaxLength(64);
        b.Property(e => e.Reason).HasMaxLength(128);
        b.Property(e => e.Details).HasColumnType("jsonb");
        b.HasIndex(e => e.ChainSeq).IsUnique();
        // No foreign keys on purpose: the trail outlives what it talks about.
    }
}
