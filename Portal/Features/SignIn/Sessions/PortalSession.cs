using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Features.SignIn.Sessions;

/// <summary>
/// A portal session as the server knows it. The cookie names it (claim <c>sid</c>) and is only accepted while the row
/// is not ended, so signing out, or the IdP's logout request, ends a copied cookie too. It also keeps what single
/// logout needs: the SAML NameID and SessionIndex, or the OIDC provider and its ID token for the logout hint.
/// </summary>
public sealed class PortalSession
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }

    /// <summary>"saml", "oidc".</summary>
    public required string Method { get; set; }

    /// <summary>SAML IdP entity ID or OIDC issuer.</summary>
    public required string Issuer { get; set; }

    public string? SamlNameId { get; set; }
    public string? SamlNameIdFormat { get; set; }
    public string? SamlNameQualifier { get; set; }
    public string? SamlSpNameQualifier { get; set; }
    public string? SamlSessionIndex { get; set; }

    /// <summary>The configured name of the OIDC provider (its scheme), for RP-initiated logout.</summary>
    public string? OidcProvider { get; set; }

    public string? OidcIdToken { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Why it ended: "signout", "saml.slo" (the IdP asked).</summary>
    public string? EndReason { get; set; }
}

internal sealed class PortalSessionConfiguration : IEntityTypeConfiguration<PortalSession>
{
    public void Configure(EntityTypeBuilder<PortalSession> b)
    {
        b.ToTable("portal_sessions");
        b.Property(s => s.Method).HasMaxLength(16);
        b.Property(s => s.Issuer).HasMaxLength(1024);
        b.Property(s => s.SamlNameId).HasMaxLength(1024);
        b.Property(s => s.SamlNameIdFormat).HasMaxLength(256);
        b.Property(s => s.SamlNameQualifier).HasMaxLength(1024);
        b.Property(s => s.SamlSpNameQualifier).HasMaxLength(1024);
        b.Property(s => s.SamlSessionIndex).HasMaxLength(256);
        b.Property(s => s.OidcProvider).HasMaxLength(64);
        b.Property(s => s.OidcIdToken).HasMaxLength(16384);
        b.Property(s => s.EndReason).HasMaxLength(32);
        b.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        // The IdP's LogoutRequest names the person by issuer and NameID.
        b.HasIndex(s => new { s.Issuer, s.SamlNameId });
    }
}
