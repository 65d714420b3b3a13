using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Features.SignIn.Saml;

/// <summary>An assertion already used, remembered until it expires, for every portal instance (replay defence).</summary>
public sealed class SamlReplayEntry
{
    public required string Issuer { get; set; }
    public required string AssertionId { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// An AuthnRequest on its way to an IdP, keyed by the opaque RelayState sent with it and bound to the browser that
/// started it (hash of a cookie nonce). Taken — deleted — by the first response that names it.
/// </summary>
public sealed class PendingSignIn
{
    public required string RelayState { get; set; }
    public required string RequestId { get; set; }
    public required string IdpEntityId { get; set; }
    public required string ReturnPath { get; set; }
    public required byte[] BrowserBinding { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

internal sealed class SamlReplayEntryConfiguration : IEntityTypeConfiguration<SamlReplayEntry>
{
    public void Configure(EntityTypeBuilder<SamlReplayEntry> b)
    {
        b.ToTable("saml_replay");
        b.HasKey(e => new { e.Issuer, e.AssertionId });
        b.Property(e => e.Issuer).HasMaxLength(1024);
        b.Property(e => e.AssertionId).HasMaxLength(256);
        b.HasIndex(e => e.ExpiresAt);
    }
}

internal sealed class PendingSignInConfiguration : IEntityTypeConfiguration<PendingSignIn>
{
    public void Configure(EntityTypeBuilder<PendingSignIn> b)
    {
        b.ToTable("saml_pending_sign_ins");
        b.HasKey(e => e.RelayState);
        b.Property(e => e.RelayState).HasMaxLength(128);
        b.Property(e => e.RequestId).HasMaxLength(128);
        b.Property(e => e.IdpEntityId).HasMaxLength(1024);
        b.Property(e => e.ReturnPath).HasMaxLength(2048);
        b.HasIndex(e => e.ExpiresAt);
    }
}
