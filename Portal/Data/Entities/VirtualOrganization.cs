using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Entities;

/// <summary>A group of people from any institution who share datasets for a common purpose.</summary>
public sealed class VirtualOrganization
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public VoJoinPolicy JoinPolicy { get; set; } = VoJoinPolicy.InvitationOnly;

    /// <summary>Length of a new membership; null means memberships do not expire unless set individually.</summary>
    public int? DefaultMembershipDays { get; set; }

    public Guid CreatedById { get; set; }
    public User? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ArchivedAt { get; set; }

    public List<Membership> Memberships { get; set; } = [];
}

public enum VoJoinPolicy
{
    /// <summary>Only invited people join.</summary>
    InvitationOnly,

    /// <summary>Anyone signed in may ask to join; an admin approves.</summary>
    OpenWithApproval,
}

internal sealed class VirtualOrganizationConfiguration : IEntityTypeConfiguration<VirtualOrganization>
{
    public void Configure(EntityTypeBuilder<VirtualOrganization> b)
    {
        b.ToTable("virtual_organizations", t =>
            t.HasCheckConstraint("ck_vo_membership_days", "default_membership_days IS NULL OR default_membership_days > 0"));
        b.HasIndex(v => v.Name).IsUnique();
        b.Property(v => v.Name).HasMaxLength(200);
        b.Property(v => v.Description).HasMaxLength(4000);
        b.Property(v => v.JoinPolicy).HasConversion<string>().HasMaxLength(32);
        b.HasOne(v => v.CreatedBy).WithMany().HasForeignKey(v => v.CreatedById).OnDelete(DeleteBehavior.Restrict);
    }
}
