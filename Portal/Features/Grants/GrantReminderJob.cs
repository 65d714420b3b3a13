using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.Notifications;
using Portal.Hosting;

namespace Portal.Features.Grants;

/// <summary>
/// Reminds grantees and the dataset's owner 14 and 3 days before a grant ends. Runs once per cluster (ClusterSingleton)
/// every <see cref="Interval"/>; each reminder is recorded in grant_reminders with the notifications it sends, in one
/// transaction, so it goes out exactly once per grant, threshold and end, however many runs or instances there are.
/// </summary>
public sealed class GrantReminderJob(
    IDbContextFactory<PortalDb> dbs, ClusterSingleton cluster, NotificationService notifications, AuditLog audit, TimeProvider time,
    ILogger<GrantReminderJob> logger) : BackgroundService
{
    public const string WorkName = "grant-reminders";

    /// <summary>Days before the end, largest first. A grant inside the 3-day window gets only the 3-day reminder.</summary>
    public static readonly IReadOnlyList<int> Thresholds = [14, 3];

    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
                await cluster.TryRunAsync(WorkName, token => SendDueAsync(token), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failure (or a bug) must not stop the host nor end the reminders: a reminder not yet recorded is
                // still due in the next round.
                logger.LogError(e, "Grant reminders failed this round");
            }
        }
    }

    /// <summary>One round now, under the cluster lock (waiting while another instance holds it). Returns the reminders this round sent.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var sent = 0;
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (await cluster.TryRunAsync(WorkName, async token => sent = await SendDueAsync(token), ct))
            {
                return sent;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
        throw new TimeoutException("Another instance held the grant-reminder lock for 30 s.");
    }

    private async Task<int> SendDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var horizon = now.AddDays(Thresholds[0]);
        List<Guid> due;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            due = await db.Grants.AsNoTracking()
                .Where(g => g.RevokedAt == null && g.ValidFrom <= now && g.ValidUntil > now && g.ValidUntil <= horizon && g.Dataset!.Status == DatasetStatus.Active)
                .OrderBy(g => g.ValidUntil).Select(g => g.Id).ToListAsync(ct);
        }
        var sent = 0;
        foreach (var grantId in due)
        {
            if (await RemindAsync(grantId, now, ct))
            {
                sent++;
            }
        }
        if (sent > 0)
        {
            notifications.WakeDelivery();
        }
        return sent;
    }

    private async Task<bool> RemindAsync(Guid grantId, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var grant = await GrantService.WithNames(db).SingleAsync(g => g.Id == grantId, ct);
        var left = grant.ValidUntil - now;
        var days = Thresholds.Last(t => left <= TimeSpan.FromDays(t));
        if (await db.GrantReminders.AnyAsync(r => r.GrantId == grantId && r.DaysBefore == days && r.ValidUntil == grant.ValidUntil, ct))
        {
            return false;
        }
        var dataset = grant.Dataset!;
        var covered = (await GrantRules.CoverageAsync(db, [grant], now, ct)).Select(c => c.UserId).Distinct().ToList();
        var end = $"{grant.ValidUntil:yyyy-MM-dd HH:mm} UTC";
        foreach (var userId in covered)
        {
            notifications.Notify(db, Recipient.User(userId), "grant.reminder", $"Your access to {dataset.Name} ends in {days} days",
                $"Your access to \"{dataset.Name}\" ({GrantService.Via(grant)}) ends on {end}. Ask for an extension from your grants page if you need more time.",
                GrantLinks.MyGrants);
        }
        notifications.Notify(db, Recipient.User(dataset.OwnerId), "grant.reminder", $"A grant on {dataset.Name} ends in {days} days",
            $"The grant on \"{dataset.Name}\" to {grant.GranteeUser?.DisplayName ?? GrantService.Via(grant)} ends on {end}.",
            GrantLinks.DatasetAccess(dataset.Id));
        db.GrantReminders.Add(new GrantReminder { GrantId = grantId, DaysBefore = days, ValidUntil = grant.ValidUntil, SentAt = now });
        audit.Add(db, "grant.reminder_sent", AuditOutcome.Success, AuditActor.System, voId: grant.GranteeVoId, datasetId: dataset.Id, grantId: grantId,
            details: new { daysBefore = days, grant.ValidUntil, recipients = covered.Append(dataset.OwnerId).Distinct() });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return false;
        }
    }
}
