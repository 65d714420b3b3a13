using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// A LogoutRequest this SP sent to an IdP, kept until the IdP's LogoutResponse names it (InResponseTo) or it expires.
/// </summary>
public sealed class PendingLogout
{
    public required string RequestId { get; set; }
    public required string IdpEntityId { get; set; }
    public required string ReturnPath { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

internal sealed class PendingLogoutConfiguration : IEntityTypeConfiguration<PendingLogout>
{
    public void Configure(EntityTypeBuilder<PendingLogout> b)
    {
        b.ToTable("saml_pending_logouts");
        b.HasKey(e => e.RequestId);
        b.Property(e => e.RequestId).HasMaxLength(128);
        b.Property(e => e.IdpEntityId).HasMaxLength(1024);
        b.Property(e => e.ReturnPath).HasMaxLength(2048);
        b.HasIndex(e => e.ExpiresAt);
    }
}
