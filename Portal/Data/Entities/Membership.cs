using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Entities;

/// <summary>A person's place in a VO: a role, a state and, possibly, an end.</summary>
public sealed class Membership
{
    public Guid Id { get; set; }
    public Guid VoId { get; set; }
    public VirtualOrganization? Vo { get; set; }
    public Guid UserId { get; set; }
    public User? User { get; set; }

    public VoRole Role { get; set; } = VoRole.Member;
    public MembershipStatus Status { get; set; } = MembershipStatus.Active;

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ActivatedAt { get; set; }

    /// <summary>When the membership lapses by itself; null = no expiry.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }
    public Guid? EndedById { get; set; }
    public string? EndReason { get; set; }

    /// <summary>For a join request: what the person wrote to the admins.</summary>
    public string? RequestMessage { get; set; }

    public bool IsActiveAt(DateTimeOffset now) =>
        Status == MembershipStatus.Active && (ExpiresAt is null || now < ExpiresAt);

    /// <summary><see cref="IsActiveAt"/> for queries: the same rule, translated to SQL.</summary>
    public static Expression<Func<Membership, bool>> ActiveAt(DateTimeOffset now) =>
        m => m.Status == MembershipStatus.Active && (m.ExpiresAt == null || m.ExpiresAt > now);
}

public enum VoRole
{
    Member,
    Admin,
}

public enum MembershipStatus
{
    /// <summary>A join request waiting for an admin.</summary>
    Pending,
    Active,
    Left,
    Removed,
    Rejected,
}

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> b)
    {
        b.ToTable("memberships", t =>
        {
            t.HasCheckConstraint("ck_membership_expiry", "expires_at IS NULL OR activated_at IS NULL OR expires_at > activated_at");
            t.HasCheckConstraint("ck_membership_ended", "status IN ('Pending', 'Active') OR ended_at IS NOT NULL");
        });
        // One row per person and VO: leaving and re-joining reuses it, the history lives in the audit log.
        b.HasIndex(m => new { m.VoId, m.UserId }).IsUnique();
        b.HasIndex(m => m.UserId);
        b.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.EndReason).HasMaxLength(1000);
        b.Property(m => m.RequestMessage).HasMaxLength(2000);
        b.HasOne(m => m.Vo).WithMany(v => v.Memberships).HasForeignKey(m => m.VoId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(m => m.User).WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<User>().WithMany().HasForeignKey(m => m.EndedById).OnDelete(DeleteBehavior.Restrict);
    }
}
