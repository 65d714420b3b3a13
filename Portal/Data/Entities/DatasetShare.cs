using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.VirtualOrganizations;

namespace Portal.Data.Entities;

/// <summary>A dataset listed in a VO's catalogue. Visible is not accessible: access needs a grant.</summary>
public sealed class DatasetShare
{
    public Guid DatasetId { get; set; }
    public Dataset? Dataset { get; set; }
    public Guid VoId { get; set; }
    public VirtualOrganization? Vo { get; set; }
    public Guid SharedById { get; set; }
    public DateTimeOffset SharedAt { get; set; }
}

internal sealed class DatasetShareConfiguration : IEntityTypeConfiguration<DatasetShare>
{
    public void Configure(EntityTypeBuilder<DatasetShare> b)
    {
        b.HasKey(s => new { s.DatasetId, s.VoId });
        b.HasIndex(s => s.VoId);
        b.HasOne(s => s.Dataset).WithMany(d => d.Shares).HasForeignKey(s => s.DatasetId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(s => s.Vo).WithMany().HasForeignKey(s => s.VoId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(s => s.SharedById).OnDelete(DeleteBehavior.Restrict);
    }
}
