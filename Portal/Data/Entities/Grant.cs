using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.AccessRequests;
using Portal.Features.Datasets;
using Portal.Features.VirtualOrganizations;

namespace Portal.Data.Entities;

/// <summary>
/// Permission to receive a dataset: to whom, for which purposes, from when until when, under which anonymization.
/// A grant is never deleted; revocation stamps it, and the audit log keeps every change.
/// </summary>
public sealed class Grant
{
    public Guid Id { get; set; }
    public Guid DatasetId { get; set; }
    public Dataset? Dataset { get; set; }

    public GranteeKind GranteeKind { get; set; }
    public Guid? GranteeUserId { get; set; }
    public User? GranteeUser { get; set; }
    public Guid? GranteeVoId { get; set; }
    public VirtualOrganization? GranteeVo { get; set; }
    public VoRole? GranteeRole { get; set; }
    public Guid? GranteeInstitutionId { get; set; }
    public Institution? GranteeInstitution { get; set; }

    public List<Purpose> Purposes { get; set; } = [];

    /// <summary>Columns the grant lets out; null = every column the profile lets out.</summary>
    public List<string>? Columns { get; set; }

    /// <summary>The dataset's profile version the grant was approved under.</summary>
    public int ProfileVersion { get; set; }
    public int K { get; set; } = 5;

    public DateTimeOffset ValidFrom { get; set; }
    public DateTimeOffset ValidUntil { get; set; }

    public Guid CreatedById { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The request this grant answers, if any (direct grants have none).</summary>
    public Guid? RequestId { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
    public Guid? RevokedById { get; set; }
    public string? RevocationReason { get; set; }

    /// <summary>Optimistic concurrency: an approval, extension and revocation racing each other cannot both win.</summary>
    public uint Version { get; set; }

    public bool IsLiveAt(DateTimeOffset now) => RevokedAt is null && ValidFrom <= now && now < ValidUntil;
}

public enum GranteeKind
{
    /// <summary>One person.</summary>
    Person,

    /// <summary>Every active member of a VO.</summary>
    Vo,

    /// <summary>Active members of a VO who hold a role.</summary>
    VoRole,

    /// <summary>Active members of a VO whose home institution is the given one.</summary>
    VoInstitution,
}

internal sealed class GrantConfiguration : IEntityTypeConfiguration<Grant>
{
    public void Configure(EntityTypeBuilder<Grant> b)
    {
        b.ToTable("grants", t =>
        {
            t.HasCheckConstraint("ck_grant_period", "valid_until > valid_from");
            t.HasCheckConstraint("ck_grant_k", "k >= 1");
            t.HasCheckConstraint("ck_grant_revoked", "(revoked_at IS NULL) = (revoked_by_id IS NULL)");
            t.HasCheckConstraint("ck_grant_grantee",
                "(grantee_kind = 'Person' AND grantee_user_id IS NOT NULL AND grantee_vo_id IS NULL AND grantee_role IS NULL AND grantee_institution_id IS NULL)" +
                " OR (grantee_kind = 'Vo' AND grantee_user_id IS NULL AND grantee_vo_id IS NOT NULL AND grantee_role IS NULL AND grantee_institution_id IS NULL)" +
                " OR (grantee_kind = 'VoRole' AND grantee_user_id IS NULL AND grantee_vo_id IS NOT NULL AND grantee_role IS NOT NULL AND grantee_institution_id IS NULL)" +
                " OR (grantee_kind = 'VoInstitution' AND grantee_user_id IS NULL AND grantee_vo_id IS NOT NULL AND grantee_role IS NULL AND grantee_institution_id IS NOT NULL)");
        });
        b.HasIndex(g => g.DatasetId);
        b.HasIndex(g => g.GranteeUserId);
        b.HasIndex(g => g.GranteeVoId);
        b.HasIndex(g => g.ValidUntil);
        b.Property(g => g.GranteeKind).HasConversion<string>().HasMaxLength(16);
        b.Property(g => g.GranteeRole).HasConversion<string>().HasMaxLength(16);
        b.Property(g => g.RevocationReason).HasMaxLength(2000);
        b.Property(g => g.Version).IsRowVersion();
        b.OwnsMany(g => g.Purposes, p => p.ToJson("purposes"));
        b.HasOne(g => g.Dataset).WithMany().HasForeignKey(g => g.DatasetId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(g => g.GranteeUser).WithMany().HasForeignKey(g => g.GranteeUserId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(g => g.GranteeVo).WithMany().HasForeignKey(g => g.GranteeVoId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(g => g.GranteeInstitution).WithMany().HasForeignKey(g => g.GranteeInstitutionId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<User>().WithMany().HasForeignKey(g => g.CreatedById).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<User>().WithMany().HasForeignKey(g => g.RevokedById).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<AccessRequest>().WithMany().HasForeignKey(g => g.RequestId).OnDelete(DeleteBehavior.Restrict);
    }
}
