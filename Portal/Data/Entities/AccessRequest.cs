using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Datasets;
using Portal.Features.Grants;
using Portal.Features.VirtualOrganizations;

namespace Portal.Data.Entities;

/// <summary>A researcher's request for a dataset (or for more time on a grant), with a declared purpose and period.</summary>
public sealed class AccessRequest
{
    public Guid Id { get; set; }
    public Guid DatasetId { get; set; }
    public Dataset? Dataset { get; set; }
    public Guid RequesterId { get; set; }
    public User? Requester { get; set; }

    /// <summary>The VO through whose catalogue the researcher found the dataset.</summary>
    public Guid? VoId { get; set; }
    public VirtualOrganization? Vo { get; set; }

    public AccessRequestKind Kind { get; set; } = AccessRequestKind.New;

    /// <summary>For an extension: the grant to extend.</summary>
    public Guid? ExtendsGrantId { get; set; }

    public required Purpose Purpose { get; set; }
    public string PurposeDescription { get; set; } = "";
    public string? EthicsReference { get; set; }

    public DateTimeOffset RequestedFrom { get; set; }
    public DateTimeOffset RequestedUntil { get; set; }

    /// <summary>Columns asked for; null = everything the profile lets out.</summary>
    public List<string>? Columns { get; set; }

    public DateTimeOffset TermsAcceptedAt { get; set; }
    public int TermsVersion { get; set; }

    public AccessRequestStatus Status { get; set; } = AccessRequestStatus.Pending;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public Guid? DecidedById { get; set; }
    public string? DecisionReason { get; set; }

    /// <summary>The grant an approval created (or extended).</summary>
    public Guid? GrantId { get; set; }
    public Grant? Grant { get; set; }
}

public enum AccessRequestKind
{
    New,
    Extension,
}

public enum AccessRequestStatus
{
    Pending,
    Approved,
    Denied,
    Withdrawn,
}

internal sealed class AccessRequestConfiguration : IEntityTypeConfiguration<AccessRequest>
{
    public void Configure(EntityTypeBuilder<AccessRequest> b)
    {
        b.ToTable("access_requests", t =>
        {
            t.HasCheckConstraint("ck_request_period", "requested_until > requested_from");
            t.HasCheckConstraint("ck_request_decided", "status IN ('Pending', 'Withdrawn') OR (decided_at IS NOT NULL AND decided_by_id IS NOT NULL)");
            t.HasCheckConstraint("ck_request_extension", "(kind = 'Extension') = (extends_grant_id IS NOT NULL)");
        });
        b.HasIndex(r => new { r.DatasetId, r.Status });
        b.HasIndex(r => new { r.RequesterId, r.Status });
        b.Property(r => r.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.PurposeDescription).HasMaxLength(4000);
        b.Property(r => r.EthicsReference).HasMaxLength(200);
        b.Property(r => r.DecisionReason).HasMaxLength(2000);
        b.OwnsOne(r => r.Purpose, p =>
        {
            p.Property(x => x.Code).HasColumnName("purpose_code").HasMaxLength(16);
            p.Property(x => x.Disease).HasColumnName("purpose_disease").HasMaxLength(64);
            p.Property(x => x.Commercial).HasColumnName("purpose_commercial");
        });
        b.HasOne(r => r.Dataset).WithMany().HasForeignKey(r => r.DatasetId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(r => r.Requester).WithMany().HasForeignKey(r => r.RequesterId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(r => r.Vo).WithMany().HasForeignKey(r => r.VoId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(r => r.Grant).WithMany().HasForeignKey(r => r.GrantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Grant>().WithMany().HasForeignKey(r => r.ExtendsGrantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<User>().WithMany().HasForeignKey(r => r.DecidedById).OnDelete(DeleteBehavior.Restrict);
    }
}
