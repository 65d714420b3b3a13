using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Entities;

/// <summary>
/// A single-use, expiring invitation into a VO, by link (no e-mail) or addressed to one e-mail.
/// Only the SHA-256 of the secret in the link is stored.
/// </summary>
public sealed class Invitation
{
    public Guid Id { get; set; }
    public Guid VoId { get; set; }
    public VirtualOrganization? Vo { get; set; }
    public Guid InvitedById { get; set; }

    public string? Email { get; set; }
    public VoRole Role { get; set; } = VoRole.Member;
    public required byte[] TokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Expiry of the membership the invitation creates; null = the VO's default.</summary>
    public DateTimeOffset? MembershipExpiresAt { get; set; }

    public DateTimeOffset? AcceptedAt { get; set; }
    public Guid? AcceptedById { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> b)
    {
        b.ToTable("invitations", t =>
        {
            t.HasCheckConstraint("ck_invitation_expiry", "expires_at > created_at");
            t.HasCheckConstraint("ck_invitation_accepted", "(accepted_at IS NULL) = (accepted_by_id IS NULL)");
            t.HasCheckConstraint("ck_invitation_token", "octet_length(token_hash) = 32");
        });
        b.HasIndex(i => i.TokenHash).IsUnique();
        b.HasIndex(i => new { i.VoId, i.Email });
        b.Property(i => i.Email).HasMaxLength(320);
        b.Property(i => i.Role).HasConversion<string>().HasMaxLength(16);
        b.HasOne(i => i.Vo).WithMany().HasForeignKey(i => i.VoId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(i => i.InvitedById).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<User>().WithMany().HasForeignKey(i => i.AcceptedById).OnDelete(DeleteBehavior.Restrict);
    }
}
