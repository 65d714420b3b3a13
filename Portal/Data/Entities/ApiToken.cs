using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Entities;

/// <summary>
/// A researcher's personal API token: scoped, expiring, revocable. Only the SHA-256 of the secret is kept (the
/// secret has 256 random bits, so a fast hash is enough); the prefix lets people tell their tokens apart.
/// </summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public User? User { get; set; }
    public required string Name { get; set; }
    public required string Prefix { get; set; }
    public required byte[] Hash { get; set; }
    public List<string> Scopes { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> b)
    {
        b.ToTable("api_tokens", t =>
        {
            t.HasCheckConstraint("ck_api_token_expiry", "expires_at > created_at");
            t.HasCheckConstraint("ck_api_token_hash", "octet_length(hash) = 32");
        });
        b.HasIndex(t => t.Hash).IsUnique();
        b.HasIndex(t => t.UserId);
        b.Property(t => t.Name).HasMaxLength(100);
        b.Property(t => t.Prefix).HasMaxLength(16);
        b.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
