using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Entities;

/// <summary>A person as their home institution asserts them. The federated key is (Issuer, Subject).</summary>
public sealed class User
{
    public Guid Id { get; set; }

    /// <summary>SAML IdP entity ID or OIDC issuer that vouches for this person.</summary>
    public required string Issuer { get; set; }

    /// <summary>Stable identifier at that issuer: pairwise-id, subject-id, eppn, persistent NameID or OIDC sub.</summary>
    public required string Subject { get; set; }

    public required string DisplayName { get; set; }
    public string? Email { get; set; }

    /// <summary>schacHomeOrganization, checked against the IdP's scopes at sign-in.</summary>
    public string? HomeOrganization { get; set; }

    public Guid? InstitutionId { get; set; }
    public Institution? Institution { get; set; }

    /// <summary>eduPersonScopedAffiliation values, e.g. "faculty@university.example.edu".</summary>
    public List<string> Affiliations { get; set; } = [];

    /// <summary>eduPersonEntitlement values.</summary>
    public List<string> Entitlements { get; set; } = [];

    public PlatformRoles PlatformRoles { get; set; }

    public bool Suspended { get; set; }
    public DateTimeOffset? SuspendedAt { get; set; }
    public string? SuspensionReason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }
}

/// <summary>Roles that come from the portal operator, not from a VO or a dataset.</summary>
[Flags]
public enum PlatformRoles
{
    None = 0,
    Auditor = 1,
    Operator = 2,
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.HasIndex(u => new { u.Issuer, u.Subject }).IsUnique();
        b.Property(u => u.Issuer).HasMaxLength(1024);
        b.Property(u => u.Subject).HasMaxLength(1024);
        b.Property(u => u.DisplayName).HasMaxLength(256);
        b.Property(u => u.Email).HasMaxLength(320);
        b.Property(u => u.HomeOrganization).HasMaxLength(256);
        b.Property(u => u.SuspensionReason).HasMaxLength(1000);
        b.HasOne(u => u.Institution).WithMany().HasForeignKey(u => u.InstitutionId).OnDelete(DeleteBehavior.Restrict);
        b.ToTable(t => t.HasCheckConstraint("ck_users_suspension", "NOT suspended OR suspended_at IS NOT NULL"));
    }
}
