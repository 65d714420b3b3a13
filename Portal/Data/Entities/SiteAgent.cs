using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Entities;

/// <summary>
/// A site agent an owner runs next to her data. The portal knows its public key (made at the site, never the private
/// half) and what it last said; it never holds the site's source credentials or pseudonym secret.
/// </summary>
public sealed class SiteAgent
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    public User? Owner { get; set; }
    public required string Name { get; set; }

    /// <summary>SubjectPublicKeyInfo (DER) of the agent's ECDSA P-256 key.</summary>
    public required byte[] PublicKey { get; set; }
    public required string Fingerprint { get; set; }
    public string? Version { get; set; }
    public string? HostName { get; set; }

    /// <summary>The site datasets its policy exposed when it last connected.</summary>
    public List<string> SiteDatasets { get; set; } = [];

    public DateTimeOffset EnrolledAt { get; set; }
    public DateTimeOffset? LastContactAt { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }
}

/// <summary>A one-time enrollment code: only its SHA-256 is kept; it expires within an hour and is used once.</summary>
public sealed class SiteEnrollment
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    public required string AgentName { get; set; }
    public required byte[] CodeHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    public Guid? AgentId { get; set; }
}

internal sealed class SiteAgentConfiguration : IEntityTypeConfiguration<SiteAgent>
{
    public void Configure(EntityTypeBuilder<SiteAgent> b)
    {
        b.ToTable("site_agents");
        b.HasIndex(a => a.OwnerId);
        b.HasIndex(a => a.Fingerprint).IsUnique();
        b.HasIndex(a => new { a.OwnerId, a.Name }).IsUnique();
        b.Property(a => a.Name).HasMaxLength(100);
        b.Property(a => a.Fingerprint).HasMaxLength(16);
        b.Property(a => a.Version).HasMaxLength(64);
        b.Property(a => a.HostName).HasMaxLength(255);
        b.HasOne(a => a.Owner).WithMany().HasForeignKey(a => a.OwnerId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SiteEnrollmentConfiguration : IEntityTypeConfiguration<SiteEnrollment>
{
    public void Configure(EntityTypeBuilder<SiteEnrollment> b)
    {
        b.ToTable("site_enrollments", t =>
        {
            t.HasCheckConstraint("ck_site_enrollment_hash", "octet_length(code_hash) = 32");
            t.HasCheckConstraint("ck_site_enrollment_expiry", "expires_at > created_at");
        });
        b.HasIndex(e => e.CodeHash).IsUnique();
        b.HasIndex(e => e.OwnerId);
        b.Property(e => e.AgentName).HasMaxLength(100);
        b.HasOne<User>().WithMany().HasForeignKey(e => e.OwnerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<SiteAgent>().WithMany().HasForeignKey(e => e.AgentId).OnDelete(DeleteBehavior.SetNull);
    }
}
