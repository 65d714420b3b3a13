using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Entities;

/// <summary>A co-owner who decides requests on the owner's behalf.</summary>
public sealed class DatasetSteward
{
    public Guid DatasetId { get; set; }
    public Dataset? Dataset { get; set; }
    public Guid UserId { get; set; }
    public User? User { get; set; }
    public Guid AddedById { get; set; }
    public DateTimeOffset AddedAt { get; set; }
}

internal sealed class DatasetStewardConfiguration : IEntityTypeConfiguration<DatasetSteward>
{
    public void Configure(EntityTypeBuilder<DatasetSteward> b)
    {
        b.HasKey(s => new { s.DatasetId, s.UserId });
        b.HasIndex(s => s.UserId);
        b.HasOne(s => s.Dataset).WithMany(d => d.Stewards).HasForeignKey(s => s.DatasetId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(s => s.User).WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<User>().WithMany().HasForeignKey(s => s.AddedById).OnDelete(DeleteBehavior.Restrict);
    }
}
