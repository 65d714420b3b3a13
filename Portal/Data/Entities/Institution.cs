using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Entities;

/// <summary>A home organization, known through its identity provider.</summary>
public sealed class Institution
{
    public Guid Id { get; set; }
    public required string Name { get; set; }

    /// <summary>The SAML entity ID or OIDC issuer of the institution's identity provider.</summary>
    public required string IdpEntityId { get; set; }

    /// <summary>Scopes (shibmd:Scope) the IdP may assert, e.g. "hospital.example.org".</summary>
    public List<string> Scopes { get; set; } = [];

    public string? Country { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class InstitutionConfiguration : IEntityTypeConfiguration<Institution>
{
    public void Configure(EntityTypeBuilder<Institution> b)
    {
        b.HasIndex(i => i.IdpEntityId).IsUnique();
        b.Property(i => i.Name).HasMaxLength(256);
        b.Property(i => i.IdpEntityId).HasMaxLength(1024);
        b.Property(i => i.Country).HasMaxLength(2).IsFixedLength();
    }
}
