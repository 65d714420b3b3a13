using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Audit;

/// <summary>
/// Every refusal becomes one audit event, "request.refused", with its code as the reason. Identical refusals (same
/// actor, token, address, code and target) within <see cref="Window"/> are held in memory and written as ONE event
/// with their count when the window closes (or when the portal stops), so a script repeating a refused call cannot
/// flood the log. Buffering, not "first now + summary later", keeps the chain strictly append-only with a single row
/// per burst; the price is that an event appears up to a minute late and a crash loses the open windows.
/// </summary>
public sealed class RefusalAudit(IDbContextFactory<PortalDb> dbs, AuditLog audit, TimeProvider time, IConfiguration configuration,
    ILogger<RefusalAudit> logger) : BackgroundService, IRefusalRecorder
{
    public const string EventType = "request.refused";

    /// <summary>How long identical refusals are gathered into one event (Audit:RefusalWindowSeconds, default 60).</summary>
    public TimeSpan Window { get; } = TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Audit:RefusalWindowSeconds", 60), 1, 3600));

    /// <summary>Distinct open windows kept in memory; beyond it refusals are counted per code only.</summary>
    public const int MaxOpenWindows = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<Key, Burst> _open = [];
    private readonly List<Burst> _closed = [];

    private sealed record Key(Guid? UserId, Guid? TokenId, string? Ip, int Status, string Code, string Target);

    private sealed class Burst(Refusal first, DateTimeOffset at)
    {
        public Refusal First { get; } = first;
        public DateTimeOffset FirstAt { get; } = at;
        public DateTimeOffset LastAt { get; set; } = at;
        public int Count { get; set; } = 1;
    }

    public void Record(Refusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        var now = time.GetUtcNow();
        var a = refusal.Actor;
        var key = new Key(a.UserId, a.ApiTokenId, a.Ip, refusal.Status, refusal.Code, refusal.Target);
        lock (_gate)
        {
            if (_open.TryGetValue(key, out var burst) && now - burst.FirstAt < Window)
            {
                burst.Count++;
                burst.LastAt = now;
                return;
            }
            if (burst is not null)
            {
                _open.Remove(key);
                _closed.Add(burst);
            }
            if (_open.Count >= MaxOpenWindows)
            {
                // Many distinct refusals at once: keep one window per code and status, without actor or target.
                var overflow = new Refusal(new AuditActor(null, null, null), refusal.Status, refusal.Code, "(many)");
                var overflowKey = new Key(null, null, null, refusal.Status, refusal.Code, "(many)");
                if (_open.TryGetValue(overflowKey, out var many))
                {
                    many.Count++;
                    many.LastAt = now;
                    return;
                }
                _open[overflowKey] = new Burst(overflow, now);
                return;
            }
            _open[key] = new Burst(refusal, now);
        }
    }

    /// <summary>Writes the windows that have closed (all of them if <paramref name="all"/>); returns how many events.</summary>
    public async Task<int> FlushAsync(bool all, CancellationToken ct)
    {
        List<Burst> due;
        var now = time.GetUtcNow();
        lock (_gate)
        {
            due = [.. _closed];
            _closed.Clear();
            foreach (var (key, burst) in _open.Where(p => all || now - p.Value.FirstAt >= Window).ToList())
            {
                _open.Remove(key);
                due.Add(burst);
            }
        }
        if (due.Count == 0)
        {
            return 0;
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        foreach (var b in due.OrderBy(b => b.FirstAt))
        {
            var r = b.First;
            audit.Add(db, EventType, AuditOutcome.Denied, r.Actor, reason: r.Code,
                details: new { status = r.Status, target = r.Target, count = b.Count, firstAt = b.FirstAt, lastAt = b.LastAt });
        }
        await db.SaveChangesAsync(ct);
        return due.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Min(5, Window.TotalSeconds)));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushSafelyAsync(all: false, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushSafelyAsync(all: true, cancellationToken);
    }

    private async Task FlushSafelyAsync(bool all, CancellationToken ct)
    {
        try
        {
            await FlushAsync(all, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The database may be briefly away; losing a window's count must not stop the portal or later windows.
            logger.LogWarning(e, "Could not write refusal audit events");
        }
    }
}
