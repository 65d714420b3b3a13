using System.Data.Common;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Portal.Data;

namespace Portal.Features.Notifications;

/// <summary>
/// Sends the e-mails of the notification outbox and marks them sent. Failures are retried with exponential backoff
/// and given up after <see cref="SmtpOptions.MaxAttempts"/>. Rows are claimed with FOR UPDATE SKIP LOCKED, so
/// several portal instances never send the same message twice.
/// </summary>
public sealed class EmailDelivery(
    IDbContextFactory<PortalDb> dbs, TimeProvider time, IOptions<SmtpOptions> options, EmailDeliverySignal signal,
    ILogger<EmailDelivery> logger) : BackgroundService
{
    private const int BatchSize = 20;
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromHours(1);

    public const string ErasedBody = "(This message carried a one-time link; it was erased after sending.)";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            logger.LogInformation("No SMTP host configured: notifications stay in the portal");
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DeliverDueAsync(stoppingToken) > 0)
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DbException or DbUpdateException or InvalidOperationException or TimeoutException)
            {
                logger.LogWarning("E-mail delivery could not read the outbox: {Message}", e.Message);
            }
            // The poll runs on real time, not the injected clock: it paces work, it decides nothing.
            try
            {
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Sends one batch of due e-mails; returns how many rows it settled (sent, given up or rescheduled).</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        var due = await db.Notifications
            .FromSql($"""
                SELECT * FROM notifications
                WHERE email_status = 'Pending' AND email_next_attempt_at <= {now}
                ORDER BY email_next_attempt_at LIMIT {BatchSize}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(ct);
        if (due.Count == 0)
        {
            return 0;
        }
        var userIds = due.Where(n => n.UserId is not null).Select(n => n.UserId!.Value).Distinct().ToList();
        var users = await db.Users.Where(u => userIds.Contains(u.Id))
            .Select(u => new { u.Id, u.Email, u.DisplayName }).ToDictionaryAsync(u => u.Id, ct);

        using var client = new SmtpClient();
        foreach (var n in due)
        {
            var user = n.UserId is { } id && users.TryGetValue(id, out var u) ? u : null;
            var address = n.Email ?? user?.Email;
            if (string.IsNullOrWhiteSpace(address))
            {
                // A user without an address: the portal inbox is all there is.
                n.EmailStatus = EmailStatus.None;
                n.EmailNextAttemptAt = null;
                continue;
            }
            try
            {
                await EnsureConnectedAsync(client, ct);
                await client.SendAsync(Compose(n, address, n.Email is null ? user?.DisplayName : null), ct);
                n.EmailStatus = EmailStatus.Sent;
                n.EmailSentAt = time.GetUtcNow();
                n.EmailNextAttemptAt = null;
                n.EmailLastError = null;
                Erase(n);
            }
            catch (Exception e) when (IsDeliveryFailure(e))
            {
                Reschedule(n, e, now);
                if (!client.IsConnected || e is IOException or ServiceNotConnectedException or SmtpProtocolException)
                {
                    await client.DisconnectAsync(false, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), ct)
                        .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
        }
        if (client.IsConnected)
        {
            await client.DisconnectAsync(true, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return due.Count;
    }

    private void Reschedule(Notification n, Exception e, DateTimeOffset now)
    {
        n.EmailAttempts++;
        n.EmailLastError = e.Message.Length > 1000 ? e.Message[..1000] : e.Message;
        if (n.EmailAttempts >= options.Value.MaxAttempts)
        {
            n.EmailStatus = EmailStatus.Failed;
            n.EmailNextAttemptAt = null;
            Erase(n);
            logger.LogWarning("Gave up e-mailing notification {Id} after {Attempts} attempts: {Error}", n.Id, n.EmailAttempts, FailureKind(e));
            return;
        }
        n.EmailNextAttemptAt = now + Backoff(n.EmailAttempts);
        logger.LogInformation("E-mail for notification {Id} failed (attempt {Attempts}), retry at {At}: {Error}",
            n.Id, n.EmailAttempts, n.EmailNextAttemptAt, FailureKind(e));
    }

    /// <summary>
    /// What the log says about a failed delivery: the exception type and SMTP status, never its message, because SMTP
    /// servers quote the recipient's address in theirs. The full text stays in the notification row (EmailLastError).
    /// </summary>
    private static string FailureKind(Exception e) =>
        e is SmtpCommandException smtp ? $"{e.GetType().Name} {(int)smtp.StatusCode} {smtp.ErrorCode}" : e.GetType().Name;

    /// <summary>30 s, 1 min, 2 min, … up to an hour.</summary>
    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromTicks(Math.Min(LongestRetry.Ticks, FirstRetry.Ticks * (1L << Math.Min(attempts - 1, 20))));

    private static void Erase(Notification n)
    {
        if (n.EraseAfterSending)
        {
            n.Body = ErasedBody;
            n.Link = null;
        }
    }

    private async Task EnsureConnectedAsync(SmtpClient client, CancellationToken ct)
    {
        if (client.IsConnected)
        {
            return;
        }
        var o = options.Value;
        client.Timeout = 30_000;
        await client.ConnectAsync(o.Host!, o.Port, o.UseStartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, ct);
        if (!string.IsNullOrEmpty(o.Username))
        {
            await client.AuthenticateAsync(o.Username, o.Password ?? "", ct);
        }
    }

    private MimeMessage Compose(Notification n, string address, string? displayName)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.Value.From));
        message.To.Add(new MailboxAddress(displayName ?? "", address));
        message.Subject = n.Title;
        var link = n.Link is null ? null : AbsoluteLink(n.Link);
        message.Body = new TextPart("plain")
        {
            Text = link is null ? n.Body : $"{n.Body}\n\n{link}\n",
        };
        return message;
    }

    private string AbsoluteLink(string link) =>
        options.Value.PublicBaseUrl is { Length: > 0 } baseUrl && link.StartsWith('/')
            ? baseUrl.TrimEnd('/') + link
            : link;

    private static bool IsDeliveryFailure(Exception e) => e is SmtpCommandException or SmtpProtocolException
        or ServiceNotConnectedException or ServiceNotAuthenticatedException or MailKit.Security.AuthenticationException
        or SslHandshakeException or IOException or System.Net.Sockets.SocketException or ParseException
        or System.Security.Authentication.AuthenticationException or TimeoutException;
}
