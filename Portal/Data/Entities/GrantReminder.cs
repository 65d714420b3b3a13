using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Entities;

/// <summary>
/// That the reminder "ends in N days" went out for a grant's current end. The key makes it once per grant, threshold
/// and end: two runs (or two instances) cannot both send it, and an extended grant is reminded again before its new end.
/// </summary>
public sealed class GrantReminder
{
    public Guid GrantId { get; set; }
    public int DaysBefore { get; set; }
    public DateTimeOffset ValidUntil { get; set; }
    public DateTimeOffset SentAt { get; set; }
}

internal sealed class GrantReminderConfiguration : IEntityTypeConfiguration<GrantReminder>
{
    public void Configure(EntityTypeBuilder<GrantReminder> b)
    {
        b.ToTable("grant_reminders");
        b.HasKey(r => new { r.GrantId, r.DaysBefore, r.ValidUntil });
        b.HasOne<Grant>().WithMany().HasForeignKey(r => r.GrantId).OnDelete(DeleteBehavior.Cascade);
    }
}
