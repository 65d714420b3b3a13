using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Entities;

/// <summary>
/// A message to one person: shown in the portal when it names a user, and e-mailed when SMTP is configured.
/// The row is also the e-mail outbox: it is written in the transaction of the change it announces, and
/// <see cref="EmailDelivery"/> sends it afterwards, so a slow or broken mail server never fails the change.
/// </summary>
public sealed class Notification
{
    public Guid Id { get; set; }

    /// <summary>The portal user it is for; null for an e-mail to someone who may have no account yet.</summary>
    public Guid? UserId { get; set; }

    /// <summary>The address to mail when there is no user (or the user's address is not to be used).</summary>
    public string? Email { get; set; }

    /// <summary>A stable dotted name, e.g. "vo.invitation", "grant.revoked".</summary>
    public required string Kind { get; set; }
    public required string Title { get; set; }
    public string Body { get; set; } = "";

    /// <summary>A path inside the portal, e.g. "/vos/{id}"; the e-mail makes it absolute.</summary>
    public string? Link { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }

    public EmailStatus EmailStatus { get; set; }
    public int EmailAttempts { get; set; }
    public DateTimeOffset? EmailNextAttemptAt { get; set; }
    public DateTimeOffset? EmailSentAt { get; set; }
    public string? EmailLastError { get; set; }

    /// <summary>
    /// The body or link carries a secret (an invitation token): it is erased once the e-mail has been sent or has
    /// failed for good, so the database keeps no usable secret.
    /// </summary>
    public bool EraseAfterSending { get; set; }
}

public enum EmailStatus
{
    /// <summary>In the portal only (no SMTP configured, or nobody to mail).</summary>
    None,
    Pending,
    Sent,
    Failed,
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("notifications", t => t.HasCheckConstraint("ck_notification_recipient", "user_id IS NOT NULL OR email IS NOT NULL"));
        b.HasIndex(n => new { n.UserId, n.CreatedAt });
        // The outbox query: pending e-mails that are due.
        b.HasIndex(n => n.EmailNextAttemptAt).HasFilter("email_status = 'Pending'");
        b.Property(n => n.Email).HasMaxLength(320);
        b.Property(n => n.Kind).HasMaxLength(64);
        b.Property(n => n.Title).HasMaxLength(300);
        b.Property(n => n.Body).HasMaxLength(8000);
        b.Property(n => n.Link).HasMaxLength(1000);
        b.Property(n => n.EmailStatus).HasConversion<string>().HasMaxLength(16);
        b.Property(n => n.EmailLastError).HasMaxLength(1000);
        b.HasOne<User>().WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
