using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Entities;

/// <summary>An RSA key that signs GA4GH visas; the private half is stored as Data-Protection ciphertext.</summary>
public sealed class VisaSigningKey
{
    public required string Kid { get; set; }
    public required string ProtectedPrivateKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class VisaSigningKeyConfiguration : IEntityTypeConfiguration<VisaSigningKey>
{
    public void Configure(EntityTypeBuilder<VisaSigningKey> b)
    {
        b.ToTable("visa_signing_keys");
        b.HasKey(k => k.Kid);
        b.Property(k => k.Kid).HasMaxLength(64);
    }
}
