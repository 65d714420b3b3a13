using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Features.Notifications;

/// <summary>
/// The one way to tell someone something. <see cref="Notify"/> only adds a row to the caller's unit of work: the
/// notification commits (or not) with the change it announces, exactly like an audit event, and the e-mail is
/// delivered later by <see cref="EmailDelivery"/>. Use it for invitations, requests, decisions, revocations, reminders.
/// </summary>
public sealed class NotificationService(TimeProvider time, IOptions<SmtpOptions> smtp, EmailDeliverySignal signal)
{
    /// <param name="sendEmail">false keeps it in the portal inbox only, e.g. when another e-mail already says the same.</param>
    public Notification Notify(PortalDb db, Recipient to, string kind, string title, string body, string? link,
        bool eraseAfterSending = false, bool sendEmail = true)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(to);
        var now = time.GetUtcNow();
        var mail = sendEmail && smtp.Value.Enabled;
        var n = new Notification
        {
            Id = Guid.CreateVersion7(now),
            UserId = to.UserId,
            Email = to.Email,
            Kind = kind,
            Title = title,
            Body = body,
            Link = link,
            CreatedAt = now,
            EmailStatus = mail ? EmailStatus.Pending : EmailStatus.None,
            EmailNextAttemptAt = mail ? now : null,
            EraseAfterSending = eraseAfterSending,
        };
        db.Notifications.Add(n);
        return n;
    }

    /// <summary>Call after the unit of work committed: delivery starts now instead of at the next poll.</summary>
    public void WakeDelivery() => signal.Wake();

    /// <summary>
    /// The same for e-mail-only messages to someone without a portal inbox. Returns null when there is nobody to mail
    /// (no SMTP configured), since such a row could never be shown or sent.
    /// </summary>
    public Notification? NotifyByEmailOnly(PortalDb db, string email, string kind, string title, string body, string? link,
        bool eraseAfterSending = false) =>
        smtp.Value.Enabled ? Notify(db, Recipient.Address(email), kind, title, body, link, eraseAfterSending) : null;
}
